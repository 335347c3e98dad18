"""The shape every subcommand has, so stages can be imported only when they run."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable

from digitcam.environment import Environment


@dataclass(frozen=True)
class Command:
    """A subcommand: how it reads its flags and what it does with them."""

    name: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Environment], int]


def positive_int(text: str) -> int:
    """argparse type for counts that must be at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def unit_float(text: str) -> float:
    """argparse type for a probability or fraction in [0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {value}")
    return value
