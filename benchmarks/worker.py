"""One benchmark configuration in its own process, so peak memory and thread pools do not mix.

Reads a JSON job on the command line, prints one JSON result line. Run by the harness:
    python -m digitcam.benchmarks.worker '{"kind": "backend", "model": "...", "backend": "litert", ...}'
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any

import numpy as np

BATCH = 32
WARMUP = 20


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    a = np.asarray(samples_ms)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "p99": float(np.percentile(a, 99)), "mean": float(a.mean()), "std": float(a.std())}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def inputs(job: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The same images for every configuration: MNIST test when available, else bundled handwriting."""
    from digitcam.benchmarks.data import benchmark_images

    images, labels, _ = benchmark_images(job.get("data_dir"), job.get("limit"))
    return images, labels


def time_calls(call, images: np.ndarray, runs: int) -> list[float]:
    for i in range(WARMUP):
        call(images[i % len(images)][None])
    samples = []
    for i in range(runs):
        one = images[i % len(images)][None]
        start = time.perf_counter()
        call(one)
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def throughput(call, images: np.ndarray, seconds: float = 1.0) -> float:
    batch = images[:BATCH] if len(images) >= BATCH else np.resize(images, (BATCH, *images.shape[1:]))
    call(batch)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or done < 3 * BATCH:
        call(batch)
        done += BATCH
    return done / (time.perf_counter() - start)


def run_backend(job: dict[str, Any]) -> dict[str, Any]:
    from digitcam.edge.backends import open_backend

    images, labels = inputs(job)
    started = time.perf_counter()
    backend = open_backend(job["model"], job["backend"], threads=job.get("threads"))
    load_ms = (time.perf_counter() - started) * 1e3
    start = time.perf_counter()
    backend.predict(images[:1])
    first_ms = (time.perf_counter() - start) * 1e3
    predicted = np.concatenate([backend.predict(images[i:i + 500]).argmax(1) for i in range(0, len(images), 500)])
    latency = time_calls(backend.predict, images, job["runs"])
    return {"load_ms": load_ms, "first_inference_ms": first_ms, "latency_ms": percentiles(latency),
            "throughput_ips": throughput(backend.predict, images), "predictions": predicted.tolist(),
            "accuracy": float((predicted == labels).mean())}


def run_keras(job: dict[str, Any]) -> dict[str, Any]:
    """Baselines: Keras model.predict on one image (the seed's way), and calling the model."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    if job.get("threads"):
        tf.config.threading.set_intra_op_parallelism_threads(job["threads"])
        tf.config.threading.set_inter_op_parallelism_threads(1)
    images, labels = inputs(job)
    x = images[..., None].astype(np.float32)
    started = time.perf_counter()
    model = keras.saving.load_model(job["model"], compile=False)
    load_ms = (time.perf_counter() - started) * 1e3
    if job["backend"] == "keras-predict":
        def call(batch):
            return model.predict(batch[..., None].astype(np.float32), verbose=0)
    else:
        def call(batch):
            return np.asarray(model(batch[..., None].astype(np.float32), training=False))
    start = time.perf_counter()
    call(images[:1])
    first_ms = (time.perf_counter() - start) * 1e3
    predicted = np.concatenate([np.asarray(model(x[i:i + 500], training=False)).argmax(1)
                                for i in range(0, len(x), 500)])
    latency = time_calls(call, images, job["runs"])
    return {"load_ms": load_ms, "first_inference_ms": first_ms, "latency_ms": percentiles(latency),
            "throughput_ips": throughput(call, images), "predictions": predicted.tolist(),
            "accuracy": float((predicted == labels).mean())}


def run_matmul(job: dict[str, Any]) -> dict[str, Any]:
    """The machine's single-thread multiply-accumulate rate through numpy's BLAS (the physical yardstick)."""
    n = 512
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b = a.T.copy()
    a @ b
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        a @ b
        reps += 1
    seconds = time.perf_counter() - start
    return {"macs_per_second": reps * n ** 3 / seconds, "size": n}


KINDS = {"backend": run_backend, "keras": run_keras, "matmul": run_matmul}


def main(argv: list[str]) -> int:
    job = json.loads(argv[0])
    result = KINDS[job["kind"]](job)
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
