"""The failures a user can cause, each with its own exit status.

Library code raises these; only the command line turns them into one line on
stderr and an exit status, so the same code is quiet and testable as a library.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, NoReturn


class DigitcamError(Exception):
    """A failure the user can fix; the message is the whole explanation."""

    exit_code = 1


class VerificationError(DigitcamError):
    """An artifact did not match its source model closely enough."""

    exit_code = 1


class UsageError(DigitcamError):
    """A bad flag, value or configuration key."""

    exit_code = 2


class DataError(DigitcamError):
    """A data file that is missing, truncated or not what it claims to be."""

    exit_code = 2


class ModelError(DigitcamError):
    """A model file that is missing, damaged or breaks the model contract."""

    exit_code = 2


class MissingDependency(DigitcamError):
    """An optional package is not installed; the message names the extra."""

    exit_code = 3

    def __init__(self, module: str, extra: str, hint: str = "") -> None:
        text = f"{module} is not installed: pip install 'digitcam[{extra}]'"
        super().__init__(text + (f" ({hint})" if hint else ""))
        self.module = module
        self.extra = extra


class DeviceError(DigitcamError):
    """A camera or display that cannot be opened."""

    exit_code = 4


def run_script(main: Callable[[], int]) -> NoReturn:
    """Exit with a script's status, a DigitcamError as `SCRIPT: message` and its own exit status.

    The scripts under scripts/ end this way, so they fail like `digitcam` itself.
    """
    try:
        status = main()
    except DigitcamError as error:
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    sys.exit(status)
