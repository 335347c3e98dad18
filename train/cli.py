"""`digitcam train` and `digitcam evaluate`: flags here, TensorFlow only inside `run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from digitcam.command import Command, positive_int, unit_float
from digitcam.environment import Environment
from digitcam.errors import UsageError
from digitcam.native_stderr import import_tensorflow
from digitcam.train import augment, defaults

ARCHITECTURES = (*defaults.SINGLE_ARCHITECTURES, "ensemble")
MENU = {"1": ("cnn", "advanced CNN"), "2": ("resnet", "residual network"), "3": ("ensemble", "ensemble of 3")}


def configure_train(p: argparse.ArgumentParser) -> None:
    p.add_argument("--arch", choices=ARCHITECTURES, help="architecture (asked interactively when omitted)")
    p.add_argument("--epochs", type=positive_int, default=defaults.EPOCHS)
    p.add_argument("--batch-size", type=positive_int, default=defaults.BATCH_SIZE)
    p.add_argument("--lr", type=float, default=defaults.LEARNING_RATE, help="peak learning rate of AdamW")
    p.add_argument("--weight-decay", type=float, default=defaults.WEIGHT_DECAY)
    p.add_argument("--schedule", choices=defaults.SCHEDULES, default="cosine",
                   help="cosine decay with one warm-up epoch, or ReduceLROnPlateau")
    p.add_argument("--label-smoothing", type=unit_float, default=0.0)
    p.add_argument("--elastic", action="store_true", help="add elastic distortion (slower; it hurt the CNN here, see README)")
    p.add_argument("--no-augment", action="store_true", help="no random turn, zoom, shift or bolder pen (--european still applies)")
    p.add_argument("--rotation", type=float, default=augment.ROTATION_DEGREES, metavar="DEGREES",
                   help="largest random turn either way")
    p.add_argument("--zoom", type=unit_float, default=augment.ZOOM, help="largest random zoom, as a fraction")
    p.add_argument("--shift", type=unit_float, default=augment.SHIFT,
                   help="largest random shift, as a fraction of the side")
    p.add_argument("--bold", type=unit_float, default=augment.BOLD, metavar="SHARE",
                   help="share of training digits drawn with strokes a pixel bolder all round")
    p.add_argument("--european", type=unit_float, default=augment.EUROPEAN, metavar="SHARE",
                   help="share of training 7s drawn crossed and 1s with a long flag, as much of Europe writes them")
    p.add_argument("--ema", type=unit_float, default=0.0, metavar="MOMENTUM",
                   help="validate, checkpoint and ship a moving average of the weights (e.g. 0.999; 0 is off)")
    p.add_argument("--width", type=positive_int, metavar="FILTERS",
                   help=f"filters in the first stage (default {defaults.WIDTH}, {defaults.WIDTHS['plain']} for plain)")
    p.add_argument("--patience", type=positive_int, default=defaults.EARLY_STOP_PATIENCE,
                   help="early-stopping patience in epochs")
    p.add_argument("--seed", type=int, default=defaults.SEED)
    p.add_argument("--init", type=Path, metavar="MODEL",
                   help="start from a trained .keras model of the same architecture (fine-tuning)")
    p.add_argument("--limit", type=positive_int, help="use only N training images (smoke runs)")
    p.add_argument("--members", type=positive_int, default=3, help="ensemble members")
    p.add_argument("--member-archs", help="comma-separated member architectures, e.g. cnn,cnn,resnet")
    p.add_argument("--data-dir", help="MNIST IDX folder or mnist.npz (default: $DIGITCAM_DATA)")
    p.add_argument("--out", type=Path, help="run folder (default: runs/ARCH-TIMESTAMP)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run (the newest, without --out)")
    p.add_argument("--strategy", choices=("default", "mirrored"), default="default",
                   help="'mirrored' trains on all local GPUs with tf.distribute.MirroredStrategy")


def ask_architecture(env: Environment, stdin=None) -> str | None:
    """The seed's menu; None when the user quits."""
    import sys

    stdin = stdin or sys.stdin
    print("Choose a model to train:", file=env.stdout)
    for key, (_, label) in MENU.items():
        print(f"  {key}. {label}", file=env.stdout)
    while True:
        print("Choice [1-3, q to quit]: ", end="", file=env.stdout, flush=True)
        answer = stdin.readline()
        if not answer or answer.strip().lower() in ("q", "quit"):
            return None
        if answer.strip() in MENU:
            return MENU[answer.strip()][0]
        print(f"  {answer.strip()!r} is not one of 1, 2, 3", file=env.stdout)


def run_train(args: argparse.Namespace, env: Environment) -> int:
    arch = args.arch
    if arch is None:
        if not env.stdin_isatty:
            raise UsageError(f"--arch is required without a terminal (choose {', '.join(ARCHITECTURES)})")
        arch = ask_architecture(env)
        if arch is None:
            return 0
    member_archs = args.member_archs.split(",") if args.member_archs else None
    if args.init is not None and arch == "ensemble":
        raise UsageError(f"--init {args.init}: an ensemble cannot start from one model; fine-tune its members")
    if args.init is not None and not args.init.is_file():
        raise UsageError(f"--init {args.init}: no such model file")
    if member_archs and any(a not in defaults.SINGLE_ARCHITECTURES for a in member_archs):
        raise UsageError(f"--member-archs {args.member_archs!r}: each member must be one of "
                         f"{', '.join(defaults.SINGLE_ARCHITECTURES)}")
    import_tensorflow()
    from digitcam.train import runs
    from digitcam.train.data import load_mnist
    from digitcam.train.fit import FitConfig

    out = args.out
    if out is None:
        out = runs.latest_run(arch) if args.resume else None
        if args.resume and out is None:
            raise UsageError(f"--resume: no earlier {arch} run under {runs.RUNS_ROOT}/; pass --out")
        out = out or runs.default_out(arch)
    print(f"training {arch} into {out}", file=env.stdout, flush=True)
    try:
        config = FitConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                           weight_decay=args.weight_decay, schedule=args.schedule,
                           label_smoothing=args.label_smoothing, elastic=args.elastic,
                           augment=not args.no_augment, rotation=args.rotation, zoom=args.zoom,
                           shift=args.shift, bold=args.bold, european=args.european, ema=args.ema,
                           seed=args.seed, patience=args.patience)
    except ValueError as error:
        raise UsageError(str(error)) from None
    data = load_mnist(args.data_dir, env.environ, limit=args.limit)
    metrics = runs.train(arch, data, out, config, resume=args.resume, strategy=args.strategy,
                         members=args.members, member_archs=member_archs, init=args.init,
                         width=args.width)
    print(f"{arch}: test accuracy {metrics['test_accuracy'] * 100:.2f} % "
          f"({metrics['test_errors']} errors of {metrics['test_images']}), "
          f"{metrics['parameters']:,} parameters, {metrics['macs_per_image'] / 1e6:.1f} M MACs/image; "
          f"report in {out}", file=env.stdout)
    return 0


def configure_evaluate(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", type=Path, help="a .keras model")
    p.add_argument("--data-dir", help="MNIST IDX folder or mnist.npz (default: $DIGITCAM_DATA)")
    p.add_argument("--out", type=Path, help="report folder (default: MODEL's folder/eval-NAME)")


def run_evaluate(args: argparse.Namespace, env: Environment) -> int:
    import_tensorflow()
    from digitcam.edge.backends.keras_model import load_keras_model
    from digitcam.train import report
    from digitcam.train.data import load_test

    model = load_keras_model(args.model)
    x_test, y_test = load_test(args.data_dir, env.environ, download=True)
    out = args.out or args.model.parent / f"eval-{args.model.stem}"
    metrics = report.write_report(out, model, x_test, y_test, {"model_file": str(args.model)})
    print(f"{args.model}: test accuracy {metrics['test_accuracy'] * 100:.2f} % "
          f"({metrics['test_errors']} errors of {metrics['test_images']}); report in {out}", file=env.stdout)
    return 0


COMMANDS = {
    "train": Command("train", configure_train, run_train),
    "evaluate": Command("evaluate", configure_evaluate, run_evaluate),
}
