"""`digitcam bench`: every model file on every installed backend that can run it, plus the pipeline.

Also runnable as a script: python benchmarks/cli.py [--models ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from digitcam.command import Command, positive_int
from digitcam.environment import Environment
from digitcam.errors import UsageError

MIN_RUNS = 1000


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models", nargs="+", type=Path, help="model files or folders (default: the shipped models)")
    p.add_argument("--backends", help="comma-separated subset of litert,onnxruntime,opencv,keras")
    p.add_argument("--threads", type=positive_int, default=1, help="inference threads, the same for all (default 1)")
    p.add_argument("--runs", type=positive_int, default=MIN_RUNS, help=f"timed single-image runs (default {MIN_RUNS})")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--video", type=Path, help="video of paper digits for the pipeline benchmark")
    source.add_argument("--frames", type=Path, help="folder of frames for the pipeline benchmark")
    p.add_argument("--pipeline-frames", type=positive_int, default=150, help="frames timed in the pipeline")
    p.add_argument("--no-pipeline", action="store_true")
    p.add_argument("--data-dir", help="MNIST for accuracy (default: $DIGITCAM_DATA; else the bundled sample)")
    p.add_argument("--limit", type=positive_int, help="score accuracy on N test images instead of all")
    p.add_argument("--out", type=Path, default=Path("bench"), help="folder for bench.json, bench.md, bench.png")


class Progress:
    """A bar redrawn in place on a terminal; in a log or a pipe, one line per measurement begun."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.live:
            if done < total:
                self.stream.write(f"measuring {done + 1}/{total}: {label}\n")
                self.stream.flush()
            return
        width = 24
        filled = int(width * done / max(1, total))
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:60]:<60}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def run(args: argparse.Namespace, env: Environment) -> int:
    from digitcam.benchmarks import harness, machine, report
    from digitcam.benchmarks.data import benchmark_images
    from digitcam.edge.discovery import find_model, shipped_folder

    backends = args.backends.split(",") if args.backends else None
    if backends:
        unknown = set(backends) - {"litert", "onnxruntime", "opencv", "keras"}
        if unknown:
            raise UsageError(f"--backends: unknown {', '.join(sorted(unknown))}")
    if args.runs < MIN_RUNS:
        print(f"warning: --runs {args.runs} is below {MIN_RUNS}; percentiles will be rough", file=env.stderr)
    models = args.models or [shipped_folder()]
    configs = harness.plan(models, backends)
    if not configs:
        raise UsageError("no model files to benchmark")
    images, _, data = benchmark_images(args.data_dir or env.environ.get("DIGITCAM_DATA"), args.limit)
    data_dir = args.data_dir or env.environ.get("DIGITCAM_DATA")
    progress = Progress(env.stderr)
    harness.measure_all(configs, args.runs, args.threads, data_dir, args.limit, progress)
    reference = harness.add_agreement(configs)
    results = []
    for c in configs:
        results.append({"name": c.name, "model": str(c.model), "format": c.format, "backend": c.backend,
                        "label": c.label, "bytes": c.model.stat().st_size,
                        **({"skipped": c.skipped} if c.skipped else c.result)})
    matmul = harness.run_job({"kind": "matmul"})
    pipeline = None
    if not args.no_pipeline:
        from digitcam.benchmarks.pipeline import frame_source, measure

        choice = find_model(None if args.models is None else args.models[0], "auto", env.environ)
        pipeline = measure(choice.path, choice.backend, args.threads,
                           frame_source(args.video, args.frames, args.pipeline_frames), args.pipeline_frames)
    result = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": machine.describe(args.threads), "threads": args.threads, "runs": args.runs,
              "data": data, "images": int(len(images)), "reference": reference, "results": results,
              "matmul": matmul, "pipeline": pipeline}
    report.write(result, args.out)
    print(report.markdown(result), file=env.stdout)
    print(f"written: {args.out / 'bench.json'}, {args.out / 'bench.md'}, {args.out / 'bench.png'}", file=env.stdout)
    return 0


COMMANDS = {"bench": Command("bench", configure, run)}

if __name__ == "__main__":
    from digitcam.cli import main

    sys.exit(main(["bench", *sys.argv[1:]]))
