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


def _measure(load, images: np.ndarray, labels: np.ndarray, runs: int) -> dict[str, Any]:
    """The figures every configuration reports; `load` returns (one-batch call, batch-to-labels)."""
    started = time.perf_counter()
    call, classify = load()
    load_ms = (time.perf_counter() - started) * 1e3
    start = time.perf_counter()
    call(images[:1])
    first_ms = (time.perf_counter() - start) * 1e3
    predicted = np.concatenate([classify(images[i:i + 500]) for i in range(0, len(images), 500)])
    latency = time_calls(call, images, runs)
    return {"load_ms": load_ms, "first_inference_ms": first_ms, "latency_ms": percentiles(latency),
            "throughput_ips": throughput(call, images), "predictions": predicted.tolist(),
            "accuracy": float((predicted == labels).mean())}


def run_backend(job: dict[str, Any]) -> dict[str, Any]:
    from digitcam.edge.backends import open_backend

    def load():
        backend = open_backend(job["model"], job["backend"], threads=job.get("threads"))
        return backend.predict, lambda batch: backend.predict(batch).argmax(1)

    return _measure(load, *inputs(job), job["runs"])


def run_keras(job: dict[str, Any]) -> dict[str, Any]:
    """Baselines: Keras model.predict on one image (the seed's way), and calling the model."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    if job.get("threads"):
        tf.config.threading.set_intra_op_parallelism_threads(job["threads"])
        tf.config.threading.set_inter_op_parallelism_threads(1)

    def load():
        model = keras.saving.load_model(job["model"], compile=False)

        def as_float(batch: np.ndarray) -> np.ndarray:
            return batch[..., None].astype(np.float32)

        def call_model(batch):
            return np.asarray(model(as_float(batch), training=False))

        def predict(batch):
            return model.predict(as_float(batch), verbose=0)

        return (predict if job["backend"] == "keras-predict" else call_model), \
            (lambda batch: call_model(batch).argmax(1))

    return _measure(load, *inputs(job), job["runs"])


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
