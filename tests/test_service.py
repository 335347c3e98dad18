"""Running as a service: systemd units, the installer, configuration layers, notify, clean shutdown."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

SYSTEMD = ROOT / "systemd"
INSTALL = SYSTEMD / "install.sh"
needs_systemd = pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs Debian's systemd package")


def _with_real_executable(unit: Path, folder: Path) -> Path:
    """The unit as installed, but with ExecStart pointing at this environment's digitcam."""
    digitcam = Path(sys.executable).parent / "digitcam"
    copy = folder / unit.name
    copy.write_text(unit.read_text().replace("/opt/digitcam/venv/bin/digitcam", str(digitcam)))
    return copy


@needs_systemd
def test_units_pass_systemd_analyze_verify(tmp_path):
    system = subprocess.run(["systemd-analyze", "verify", _with_real_executable(SYSTEMD / "digitcam.service",
                                                                               tmp_path)],
                            capture_output=True, text=True)
    assert system.returncode == 0 and not system.stderr.strip(), system.stderr
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    user = subprocess.run(["systemd-analyze", "--user", "verify",
                           _with_real_executable(SYSTEMD / "digitcam-display.service", tmp_path)],
                          capture_output=True, text=True, env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)})
    assert user.returncode == 0 and not user.stderr.strip(), user.stderr


@needs_systemd
def test_system_unit_exposure_is_at_most_3():
    out = subprocess.run(["systemd-analyze", "security", "--offline=true", str(SYSTEMD / "digitcam.service")],
                         capture_output=True, text=True).stdout
    exposure = float(re.search(r"Overall exposure level for digitcam.service: ([0-9.]+)", out).group(1))
    assert exposure <= 3.0


def test_display_unit_reaches_the_desktop():
    unit = (SYSTEMD / "digitcam-display.service").read_text()
    for line in ("Environment=QT_QPA_PLATFORM=xcb", "WantedBy=graphical-session.target", "XAUTHORITY=",
                 "DISPLAY=", "--fullscreen"):
        assert line in unit
    system = (SYSTEMD / "digitcam.service").read_text()
    assert "--headless" in system and "Type=notify" in system and "WatchdogSec=" in system


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in sorted(root.rglob("*"))}


def test_installer_stages_idempotently_and_uninstalls(tmp_path):
    stage = tmp_path / "stage"
    first = subprocess.run(["bash", str(INSTALL), "--root", str(stage), "--skip-venv", "--display", "pi"],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    for path in ("etc/systemd/system/digitcam.service", "etc/systemd/user/digitcam-display.service",
                 "etc/digitcam/config.toml", "etc/digitcam/display.toml", "opt/digitcam/models/manifest.json",
                 "opt/digitcam/models/cnn-european.int8.tflite", "var/lib/digitcam"):
        assert (stage / path).exists(), path
    config = (stage / "etc/digitcam/config.toml").read_text()
    assert re.search(r'^source = "(picamera|camera:0)"', config, re.M)
    before = _tree(stage)
    second = subprocess.run(["bash", str(INSTALL), "--root", str(stage), "--skip-venv", "--display", "pi"],
                            capture_output=True, text=True)
    assert second.returncode == 0 and "installed /" not in second.stdout
    assert _tree(stage) == before
    gone = subprocess.run(["bash", str(INSTALL), "--root", str(stage), "--uninstall"], capture_output=True, text=True)
    assert gone.returncode == 0
    assert not (stage / "opt/digitcam").exists() and not (stage / "etc/systemd/system/digitcam.service").exists()
    assert not (stage / "etc/digitcam").exists()


def test_installer_dry_run_changes_nothing(tmp_path):
    out = subprocess.run(["bash", str(INSTALL), "--root", str(tmp_path / "s"), "--dry-run"], capture_output=True,
                         text=True)
    assert out.returncode == 0 and "would install" in out.stdout and "would run" in out.stdout
    assert not (tmp_path / "s" / "opt").exists()


def test_installed_config_is_valid_for_digitcam_run(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text((SYSTEMD / "config.toml").read_text().replace("@SOURCE@", "camera:0"))
    result = cli("run", "--config", config, "--print-config")
    assert result.status == 0, result.stderr
    assert re.search(r"^source\s+= camera:0\s+# .*config.toml", result.stdout, re.M)
    assert re.search(r"^changes_only\s+= true\s+# .*config.toml", result.stdout, re.M)


def test_config_precedence_flags_env_file_default(cli, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[run]\nthreshold = 0.7\nwidth = 800\nheight = 600\nheadless = true\n')
    result = cli("run", "--config", config, "--print-config", "--width", "1024",
                 environ={"DIGITCAM_HEIGHT": "720", "DIGITCAM_WIDTH": "320"})
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "1024" in lines["width"] and "command line" in lines["width"]
    assert "720" in lines["height"] and "$DIGITCAM_HEIGHT" in lines["height"]
    assert "0.7" in lines["threshold"] and str(config) in lines["threshold"]
    assert "true" in lines["headless"]
    assert "30" in lines["fps"] and "default" in lines["fps"]


@pytest.mark.parametrize("text,fault", [
    ("[run]\nthreshold = 2\n", "threshold = 2: expected a number from 0 to 1"),
    ("[run]\nwidth = -5\n", "width = -5: expected a whole number >= 1"),
    ("[run]\nmode = 'sideways'\n", "mode = 'sideways': expected one of multi, center"),
    ("[run]\ncolour = 'red'\n", "unknown setting 'colour'"),
    ("[run\n", "not valid TOML"),
])
def test_bad_config_values_are_one_line_exit_2(cli, tmp_path, text, fault):
    config = tmp_path / "c.toml"
    config.write_text(text)
    result = cli("run", "--config", config, "--print-config")
    assert result.status == 2 and fault in result.stderr and result.stderr.count("\n") == 1


def test_bad_environment_value_names_the_variable(cli):
    result = cli("run", "--print-config", environ={"DIGITCAM_HEADLESS": "maybe"})
    assert result.status == 2 and "$DIGITCAM_HEADLESS: headless = 'maybe': expected true or false" in result.stderr


@pytest.fixture
def notify_socket(tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(10)
    yield sock, path
    sock.close()


def _start_headless(shipped_models, extra_env):
    return subprocess.Popen([sys.executable, "-m", "digitcam", "run", "--model", str(shipped_models),
                             "--source", "synthetic:3", "--headless", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **extra_env})


def test_notify_ready_then_watchdog_at_the_expected_cadence(notify_socket, shipped_models):
    sock, path = notify_socket
    app = _start_headless(shipped_models, {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "400000"})
    try:
        messages = []
        started = None
        while len([m for m in messages if m[1] == "WATCHDOG=1"]) < 6:
            data = sock.recv(4096).decode()
            messages.append((time.monotonic(), data))
            if data.startswith("READY=1"):
                started = time.monotonic()
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=10)
        while True:
            try:
                sock.settimeout(0.5)
                messages.append((time.monotonic(), sock.recv(4096).decode()))
            except socket.timeout:
                break
    finally:
        if app.poll() is None:
            app.kill()
    assert messages[0][1].startswith("READY=1") and started is not None
    pings = [t for t, m in messages if m == "WATCHDOG=1"]
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    assert all(0.1 <= g <= 0.6 for g in gaps), gaps  # about half of WATCHDOG_USEC, never starved
    assert messages[-1][1] == "STOPPING=1"


def test_sigterm_finishes_the_frame_and_exits_0_within_2_seconds(shipped_models):
    app = _start_headless(shipped_models, {})
    lines = []
    for _ in range(5):
        lines.append(app.stdout.readline())
    sent = time.monotonic()
    app.send_signal(signal.SIGTERM)
    out, err = app.communicate(timeout=10)
    elapsed = time.monotonic() - sent
    assert app.returncode == 0, err
    assert elapsed < 2.0
    rest = [line for line in out.splitlines() if line]
    for line in lines + rest:
        record = json.loads(line)  # every line, the last included, is complete JSON
        assert "frame" in record
    assert out.endswith("\n") or out == ""
