"""`digitcam convert`: flags here, TensorFlow only inside `run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from digitcam.command import Command, positive_int
from digitcam.edge.formats import EXPORTED, parse_list
from digitcam.environment import Environment
from digitcam.errors import UsageError, VerificationError
from digitcam.native_stderr import import_tensorflow

MIN_CALIBRATION = 500


def _formats(text: str) -> list[str]:
    try:
        return parse_list(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", type=Path, help="a .keras model that follows the digitcam contract")
    p.add_argument("--formats", type=_formats, default=list(EXPORTED),
                   help=f"comma-separated, from {','.join(EXPORTED)} (default: all)")
    p.add_argument("--out", type=Path, help="output folder (default: the model's folder)")
    p.add_argument("--calibration", type=positive_int, default=1000,
                   help=f"training images for int8 calibration (at least {MIN_CALIBRATION} recommended)")
    p.add_argument("--int8-input", choices=("int8", "uint8"), default=None,
                   help="integer input type of tflite-int8 (default: the faster one, see README)")
    p.add_argument("--data-dir", help="MNIST folder or mnist.npz (default: $DIGITCAM_DATA)")
    p.add_argument("--test-limit", type=positive_int, help="verify on N test images instead of all 10,000")
    p.add_argument("--default", choices=EXPORTED, metavar="FORMAT",
                   help="record this format's file as the device's default model in the manifest")
    p.add_argument("--max-accuracy-drop", type=float, default=0.3, help="gate: allowed drop in percentage points")
    p.add_argument("--min-agreement", type=float, default=99.5, help="gate: minimum top-1 agreement in percent")


def run(args: argparse.Namespace, env: Environment) -> int:
    if not 0 <= args.min_agreement <= 100 or args.max_accuracy_drop < 0:
        raise UsageError("--min-agreement must be 0-100 and --max-accuracy-drop at least 0")
    import_tensorflow()
    from digitcam.convert.pipeline import DEFAULT_INT8_INPUT, ConvertOptions, convert
    from digitcam.convert.verify import Gate

    if args.calibration < MIN_CALIBRATION:
        print(f"warning: --calibration {args.calibration} is below {MIN_CALIBRATION} images", file=env.stderr)
    options = ConvertOptions(formats=args.formats, calibration=args.calibration,
                             int8_input=args.int8_input or DEFAULT_INT8_INPUT, test_limit=args.test_limit,
                             gate=Gate(args.max_accuracy_drop, args.min_agreement))
    out = args.out or args.model.parent
    if args.default and args.default not in args.formats:
        raise UsageError(f"--default {args.default}: not among --formats {','.join(args.formats)}")
    entries = convert(args.model, out, options, args.data_dir, env.environ)
    if args.default:
        from digitcam.edge import manifest

        chosen = next(e for e in entries if e["format"] == args.default)
        if chosen["usable"]:
            manifest.upsert(out, [], default=chosen["file"])
    print(f"{'format':<12} {'file':<28} {'KB':>8} {'accuracy':>9} {'agree':>8} {'max dp':>8}  status",
          file=env.stdout)
    for e in entries:
        status = "ok" if e["usable"] else f"REJECTED: {e['verification'].get('reason')}"
        acc = f"{e['test_accuracy'] * 100:.2f}%" if e["test_accuracy"] is not None else "-"
        agree = f"{e['agreement'] * 100:.2f}%" if e["agreement"] is not None else "-"
        diff = f"{e['max_probability_difference']:.4f}" if e["max_probability_difference"] is not None else "-"
        print(f"{e['format']:<12} {e['file']:<28} {e['bytes'] / 1024:>8.1f} {acc:>9} {agree:>8} {diff:>8}  {status}",
              file=env.stdout)
    print(f"manifest: {out / 'manifest.json'}", file=env.stdout)
    rejected = [e["file"] for e in entries if not e["usable"]]
    if rejected:
        raise VerificationError(f"{len(rejected)} artifact(s) failed verification: {', '.join(rejected)}")
    return 0


COMMANDS = {"convert": Command("convert", configure, run)}
