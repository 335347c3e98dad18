"""Settings for `digitcam run` from four layers: flags, then $DIGITCAM_*, then the config file, then defaults.

The file (/etc/digitcam/config.toml, or $DIGITCAM_CONFIG, or --config) mirrors the
flags: `save_video = "/var/lib/digitcam/out.mp4"`, `threshold = 0.7`, `headless = true`.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path
from typing import Any, Mapping

from digitcam.errors import UsageError

CONFIG_ENV = "DIGITCAM_CONFIG"
SYSTEM_CONFIG = Path("/etc/digitcam/config.toml")
ENV_PREFIX = "DIGITCAM_"
NOT_LAYERED = {"help", "config", "print_config", "layered_actions"}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class Default:
    """A flag's default, marked so we can tell "not given" from "given the default value"."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def mark_defaults(parser: argparse.ArgumentParser) -> None:
    """Wrap every layered flag's default, and remember the flags for `apply`."""
    actions = [a for a in parser._actions if a.dest not in NOT_LAYERED and a.option_strings]
    for action in actions:
        action.default = Default(action.default)
    parser.set_defaults(layered_actions=actions)


def _expected(action: argparse.Action) -> str:
    if action.const is True:
        return "true or false"
    if action.choices:
        return "one of " + ", ".join(map(str, action.choices))
    name = getattr(action.type, "__name__", "text")
    return {"positive_int": "a whole number >= 1", "unit_float": "a number from 0 to 1", "_roi": "x,y,w,h",
            "Path": "a path", "float": "a number"}.get(name, name)


def _convert(action: argparse.Action, value: Any, where: str) -> Any:
    key = action.dest
    try:
        if action.const is True:  # store_true
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in TRUE | FALSE:
                return text in TRUE
            raise ValueError
        if isinstance(value, (list, dict, bool)):
            raise ValueError
        converted = action.type(str(value)) if action.type else str(value)
        if action.choices and converted not in action.choices:
            raise ValueError
        return converted
    except (ValueError, TypeError, argparse.ArgumentTypeError):
        raise UsageError(f"{where}: {key} = {value!r}: expected {_expected(action)}") from None


def config_path(args: argparse.Namespace, environ: Mapping[str, str]) -> Path | None:
    given = getattr(args, "config", None) or environ.get(CONFIG_ENV)
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError(f"{path}: no such configuration file")
        return path
    return SYSTEM_CONFIG if SYSTEM_CONFIG.is_file() else None


def read_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    # The [run] table holds the settings; a flat file is accepted too.
    section = data.get("run", data)
    return {k.replace("-", "_"): v for k, v in section.items() if not isinstance(v, dict)}


def apply(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Fill every flag not given on the command line from env, file or default; returns each value's origin."""
    environ = os.environ if environ is None else environ
    actions = {a.dest: a for a in getattr(args, "layered_actions", [])}
    path = config_path(args, environ)
    from_file = read_file(path) if path else {}
    unknown = sorted(set(from_file) - set(actions))
    if unknown:
        raise UsageError(f"{path}: unknown setting {unknown[0]!r} (settings mirror the flags of `digitcam run`)")
    origins: dict[str, str] = {}
    for key, action in actions.items():
        value = getattr(args, key)
        env_key = ENV_PREFIX + key.upper()
        if not isinstance(value, Default):
            origins[key] = "command line"
        elif environ.get(env_key, "") != "":
            setattr(args, key, _convert(action, environ[env_key], f"${env_key}"))
            origins[key] = f"${env_key}"
        elif key in from_file:
            setattr(args, key, _convert(action, from_file[key], str(path)))
            origins[key] = str(path)
        else:
            setattr(args, key, value.value)
            origins[key] = "default"
    return origins


def describe(args: argparse.Namespace, origins: Mapping[str, str]) -> list[str]:
    """`--print-config`: one line per setting, with where its value came from."""
    width = max(map(len, origins)) if origins else 0
    lines = []
    for key, origin in origins.items():
        value = getattr(args, key)
        shown = "(unset)" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        lines.append(f"{key:<{width}} = {shown:<28} # {origin}")
    return lines
