"""The `digitcam` command: one grammar, one stage imported per run.

Only the chosen subcommand's module is imported, so `digitcam --help` and every
edge command stay free of TensorFlow.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import Sequence

from digitcam import __version__
from digitcam.environment import Environment
from digitcam.errors import DigitcamError

# name -> (module that defines it, one-line summary shown by `digitcam --help`)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "train": ("digitcam.train.cli", "train a CNN, ResNet or ensemble on MNIST"),
    "evaluate": ("digitcam.train.cli", "write the evaluation report for a saved model"),
    "convert": ("digitcam.convert.cli", "export a Keras model to TFLite and ONNX, verified"),
    "run": ("digitcam.edge.cli", "live recognition from a canvas, camera, video or folder"),
    "predict": ("digitcam.edge.cli", "read digits in image files"),
    "info": ("digitcam.edge.cli", "describe the model the runtime would use"),
    "bench": ("digitcam.benchmarks.cli", "measure latency, throughput, accuracy and memory"),
}

EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away


def _chosen(argv: Sequence[str]) -> str | None:
    for token in argv:
        if not token.startswith("-"):
            return token
    return None


class ParseError(Exception):
    """argparse's complaint, raised instead of printed so main() writes it to the injected stderr."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


def _parser_class(env: Environment) -> type[argparse.ArgumentParser]:
    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # type: ignore[override]
            raise ParseError(self.prog, message)

        def _print_message(self, message: str, file=None) -> None:
            if message:
                (env.stderr if file is sys.stderr else env.stdout).write(message)

    return Parser


def build_parser(argv: Sequence[str], env: Environment | None = None) -> argparse.ArgumentParser:
    parser = _parser_class(env or Environment())(
        prog="digitcam",
        description="Handwritten-digit recognition: train, convert, run on the edge, benchmark.",
    )
    parser.add_argument("--version", action="version", version=f"digitcam {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("-v", "--verbose", action="store_true", help="show progress logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen(argv)
    for name, (module_name, summary) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=summary, description=summary)
        if name == chosen:
            command = importlib.import_module(module_name).COMMANDS[name]
            command.configure(sp)
            sp.set_defaults(handler=command.run)
    return parser


def configure_logging(level: int, stream) -> None:
    """Our loggers write to this run's stderr (replacing an earlier run's handler in-process)."""
    logger = logging.getLogger("digitcam")
    for handler in [h for h in logger.handlers if getattr(h, "digitcam", False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.digitcam = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s" if level > logging.DEBUG
                                           else "%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Run one command and return its exit status; user mistakes never raise."""
    argv = list(sys.argv[1:] if argv is None else argv)
    env = env or Environment()
    parser = build_parser(argv, env)
    try:
        args = parser.parse_args(argv)
    except ParseError as error:
        print(f"{error.prog}: error: {error} (see {error.prog} --help)", file=env.stderr)
        return 2
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help(env.stdout)
        return 2
    configure_logging(logging.DEBUG if args.debug else logging.INFO if args.verbose else logging.WARNING,
                      env.stderr)
    try:
        return int(args.handler(args, env) or 0)
    except DigitcamError as error:
        if args.debug:
            raise
        print(f"digitcam {args.command}: error: {error}", file=env.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"digitcam {args.command}: interrupted", file=env.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output has gone (`digitcam run --json | head -3`): stop quietly, and
        # point stdout at /dev/null so the interpreter's last flush does not fail again.
        if env.stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
