"""`digitcam run`, `digitcam predict` and `digitcam info`: the device's commands, no TensorFlow."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from digitcam.command import Command, positive_int, unit_float
from digitcam.environment import Environment
from digitcam.edge.recognizer import DEFAULT_THRESHOLD
from digitcam.errors import DataError, DeviceError, UsageError

BACKEND_CHOICES = ("auto", "litert", "onnxruntime", "opencv", "keras")


def _roi(text: str) -> tuple[int, int, int, int]:
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected x,y,w,h in pixels, got {text!r}") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        raise argparse.ArgumentTypeError(f"expected a box inside the frame, got {text!r}")
    return x, y, w, h


def add_model_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model file or folder (default: $DIGITCAM_MODEL, ./models, shipped)")
    p.add_argument("--backend", choices=BACKEND_CHOICES, default="auto")
    p.add_argument("--threads", type=positive_int, help="inference threads (default: the runtime's choice)")


def configure_run(p: argparse.ArgumentParser) -> None:
    add_model_flags(p)
    p.add_argument("--source", help="draw, camera[:N], picamera, synthetic[:SEED], a video, an image or a folder "
                                    "(default: draw with a display, else camera)")
    p.add_argument("--mode", choices=("multi", "center"), help="read every digit, or the one in the guide box "
                                                               "(default: multi)")
    p.add_argument("--roi", type=_roi, help="guide box for --mode center as x,y,w,h (default: the middle half)")
    p.add_argument("--threshold", type=unit_float, default=DEFAULT_THRESHOLD, help="below this confidence show '?'")
    p.add_argument("--headless", action="store_true", help="open no window (automatic without a display)")
    p.add_argument("--json", action="store_true", help="one JSON line per frame on stdout")
    p.add_argument("--changes-only", action="store_true",
                   help="with --json, a line for the first frame and then only when the number read changes "
                        "(a service's journal gets a line per change, not 30 a second)")
    p.add_argument("--save-video", type=Path, metavar="OUT.mp4", help="write the annotated frames as a video")
    p.add_argument("--save-frames", type=Path, metavar="DIR", help="write the annotated frames as PNGs")
    p.add_argument("--save-dir", type=Path, default=Path("saved"), help="where the canvas' 's' key saves")
    p.add_argument("--width", type=positive_int, default=640)
    p.add_argument("--height", type=positive_int, default=480)
    p.add_argument("--fps", type=positive_int, default=30, help="camera frame rate to ask for")
    p.add_argument("--max-frames", type=positive_int,
                   help="stop after N frames of a camera, video, folder or synthetic source "
                        "(the canvas runs until closed)")
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--no-smooth", action="store_true", help="no temporal smoothing on live sources")
    p.add_argument("--every-frame", action="store_true",
                   help="live sources: look for digits in every frame (default: only in frames that changed)")
    p.add_argument("--config", type=Path, help="settings file (default: $DIGITCAM_CONFIG, /etc/digitcam/config.toml)")
    p.add_argument("--print-config", action="store_true", help="show every setting and where it came from, then exit")
    from digitcam.edge import config

    config.mark_defaults(p)


def load_recognizer(args: argparse.Namespace, env: Environment):
    from digitcam.edge.backends import open_backend
    from digitcam.edge.discovery import find_model
    from digitcam.edge.recognizer import Recognizer

    choice = find_model(args.model, args.backend, env.environ)
    backend = open_backend(choice.path, choice.backend, threads=args.threads)
    return choice, backend, Recognizer(backend, choice.temperature)


def run_run(args: argparse.Namespace, env: Environment) -> int:
    from digitcam.edge import config

    origins = config.apply(args, env.environ)
    if args.print_config:
        print("\n".join(config.describe(args, origins)), file=env.stdout)
        return 0
    from digitcam.edge.app import RunOptions, run_canvas, run_stream
    from digitcam.edge.discovery import info_lines
    from digitcam.edge.notify import Notifier
    from digitcam.edge.sources import open_source
    from digitcam.edge.window import NullWindow, Window

    display = env.has_display()
    source_spec = args.source or ("draw" if display and not args.headless else "camera")
    headless = args.headless or not display
    if not args.headless and not display:
        print("digitcam run: no display ($DISPLAY unset): running headless", file=env.stderr)
    choice, backend, recognizer = load_recognizer(args, env)

    def emit(event: dict) -> None:
        env.stdout.write(json.dumps(event) + "\n")
        env.stdout.flush()

    if source_spec == "draw":
        if headless:
            raise DeviceError("the drawing canvas needs a display; pick a --source for headless runs")
        from digitcam.edge.canvas import CanvasController

        controller = CanvasController(recognizer, args.threshold, args.save_dir,
                                      info_lines(choice.describe(backend.describe())), emit=emit)
        controller.fullscreen = args.fullscreen
        window = Window("digitcam", args.fullscreen)
        run_canvas(controller, window, Notifier(env.environ))
        return 0

    options = RunOptions(mode=args.mode or "multi", roi=args.roi, threshold=args.threshold, json=args.json,
                         changes_only=args.changes_only, save_video=args.save_video, save_frames=args.save_frames,
                         save_dir=args.save_dir, max_frames=args.max_frames, fullscreen=args.fullscreen,
                         smooth=not args.no_smooth, every_frame=args.every_frame)
    source = open_source(source_spec, args.width, args.height, args.fps).open()
    window = NullWindow() if headless else Window("digitcam", args.fullscreen)
    last = {"number": None}

    def report(frame, result) -> None:
        number = result.number(args.threshold)
        if not args.json and headless and number and number != last["number"]:
            print(f"{frame.name} frame {frame.index}: {number}", file=env.stdout)
        last["number"] = number or last["number"]

    summary = run_stream(source, recognizer, options, env.stdout, window, Notifier(env.environ), on_frame=report)
    if not args.json:
        median = summary["median_total_ms"]
        looked = "" if summary["looked_at"] == summary["frames"] else \
            f" (digits looked for in {summary['looked_at']}, the others unchanged)"
        print(f"{summary['frames']} frames{looked}; per frame median {median or 0:.1f} ms "
              f"({summary['median_work_ms'] or 0:.2f} ms besides capture), p95 {summary['p95_total_ms'] or 0:.1f} ms; "
              f"model {choice.path.name} on {choice.backend}"
              + (f"; video: {args.save_video}" if args.save_video else ""), file=env.stdout)
    return 0


def configure_predict(p: argparse.ArgumentParser) -> None:
    from digitcam.edge.detection.pictures import SINGLE_DIGIT_SIDE

    p.add_argument("images", nargs="+", type=Path,
                   help="image files (a digit, or a page of digits), or folders of them")
    add_model_flags(p)
    p.add_argument("--mode", choices=("auto", "single", "multi"), default="auto",
                   help=f"single: the image is one digit; multi: find digits on the page; auto: images up to "
                        f"{SINGLE_DIGIT_SIDE} px are one digit unless a number is found on a wide one or digits "
                        f"of a height stand side by side (two 1s), larger ones pages (one digit if none is found)")
    p.add_argument("--threshold", type=unit_float, default=DEFAULT_THRESHOLD)
    p.add_argument("--json", action="store_true", help="one JSON line per image")


def run_predict(args: argparse.Namespace, env: Environment) -> int:
    from digitcam.edge.app import frame_record
    from digitcam.edge.overlay import describe
    from digitcam.edge.reading import read
    from digitcam.edge.detection.pictures import find_in_picture
    from digitcam.edge.sources.base import Frame
    from digitcam.edge.sources.files import image_files, no_images, read_image, why_unreadable

    paths: list[Path] = []
    for given in args.images:  # a folder stands for its images, in file-name order
        if given.is_dir():
            found = image_files(given)
            if not found:
                raise DataError(no_images(given))
            paths += found
        elif given.is_file():
            paths.append(given)
        else:
            raise UsageError(f"{given}: no such image file or folder")
    choice, backend, recognizer = load_recognizer(args, env)
    failures = 0
    for index, path in enumerate(paths):
        t0 = time.perf_counter()
        image = read_image(path)
        if image is None:
            print(f"digitcam predict: {path}: {why_unreadable(path)}, skipped", file=env.stderr)
            failures += 1
            continue
        t1 = time.perf_counter()
        found = find_in_picture(image, args.mode)
        t2 = time.perf_counter()
        result = read(found, recognizer)
        result.stages_ms = {"capture": (t1 - t0) * 1e3, "detect": (t2 - t1) * 1e3, **result.stages_ms,
                            "total": (time.perf_counter() - t0) * 1e3}
        if args.json:
            print(json.dumps(frame_record(Frame(image, index, path.name), result, args.threshold)), file=env.stdout)
        else:
            number = result.number(args.threshold) or "(no digit)"
            details = ", ".join(describe(p, args.threshold) for _, p in result.items)
            print(f"{path}: {number}" + (f"  [{details}]" if details else ""), file=env.stdout)
    return 2 if failures == len(paths) else 0


def configure_info(p: argparse.ArgumentParser) -> None:
    p.add_argument("model_path", nargs="?", metavar="MODEL", help="the same as --model")
    add_model_flags(p)
    p.add_argument("--json", action="store_true")


def run_info(args: argparse.Namespace, env: Environment) -> int:
    import numpy as np

    from digitcam.edge.discovery import info_lines

    if args.model_path and args.model and args.model_path != args.model:
        raise UsageError(f"two models given, {args.model_path} and --model {args.model}; give one")
    args.model = args.model or args.model_path
    choice, backend, recognizer = load_recognizer(args, env)
    probe = np.zeros((28, 28), np.uint8)
    probe[6:22, 12:16] = 255
    for _ in range(60):
        recognizer.predict([probe])
    info = {**choice.describe(backend.describe()), "mean_latency_ms": recognizer.mean_latency_ms}
    if args.json:
        print(json.dumps(info), file=env.stdout)
    else:
        print("\n".join(info_lines(info, recognizer.mean_latency_ms) + [f"found by {choice.found_by}"]),
              file=env.stdout)
    return 0


COMMANDS = {
    "run": Command("run", configure_run, run_run),
    "predict": Command("predict", configure_predict, run_predict),
    "info": Command("info", configure_info, run_info),
}
