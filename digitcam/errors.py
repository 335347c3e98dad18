"""The failures a user can cause, each with its own exit status.

Library code raises these; only the command line turns them into one line on
stderr and an exit status, so the same code is quiet and testable as a library.
"""

from __future__ import annotations


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
