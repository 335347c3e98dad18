"""One smoke test of the real OpenCV window under Xvfb: draw with the mouse, press p, quit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                                 reason="needs Debian's xvfb and xdotool (.ci/run installs them)")]


@pytest.fixture
def display():
    number = 90 + os.getpid() % 9
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def xdotool(display: str, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                          text=True, timeout=20).stdout.strip()


def test_draw_a_one_and_press_p(display, shipped_models, tmp_path):
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen([sys.executable, "-m", "digitcam", "run", "--source", "draw", "--model",
                            str(shipped_models / "cnn.int8.tflite"), "--save-dir", str(tmp_path)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        window = ""
        for _ in range(60):
            window = xdotool(display, "search", "--name", "^digitcam$")
            if window:
                break
            time.sleep(0.25)
        assert window, "the window never appeared"
        window = window.splitlines()[0]
        time.sleep(0.5)
        xdotool(display, "mousemove", "--window", window, "200", "70")
        xdotool(display, "mousedown", "1")
        for y in range(70, 340, 15):
            xdotool(display, "mousemove", "--window", window, "200", str(y))
            time.sleep(0.02)
        xdotool(display, "mouseup", "1")
        time.sleep(0.3)
        xdotool(display, "key", "--window", window, "p")
        time.sleep(0.5)
        xdotool(display, "key", "--window", window, "s")
        time.sleep(0.5)
        xdotool(display, "key", "--window", window, "q")
        out, err = app.communicate(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    predictions = [e for e in events if e["event"] == "predict"]
    assert predictions and predictions[-1]["digit"] == 1 and not predictions[-1]["live"]
    assert any(e["event"] == "save" for e in events) and list(tmp_path.glob("*-drawing.png"))
