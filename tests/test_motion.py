"""Live frames that show nothing new are read as the frame last looked at (`edge/motion.py`)."""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest

from digitcam.edge.app import RunOptions, run_stream
from digitcam.edge.motion import REFRESH, MotionGate
from digitcam.edge.sources import open_source
from digitcam.edge.sources.synthetic import SyntheticSource, make_frame, write_video


@pytest.fixture
def sheet() -> np.ndarray:
    return make_frame(np.random.default_rng(5), digits=3)[0]


def noisy(frame: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return np.clip(frame + rng.normal(0, sigma, frame.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("sigma", [2.0, 6.0, 10.0])  # 10: a dim room
def test_sensor_noise_on_a_still_sheet_is_no_change(sheet, sigma):
    rng = np.random.default_rng(0)
    gate = MotionGate()
    assert gate.changed(noisy(sheet, rng, sigma))  # the first frame is always looked at
    assert not any(gate.changed(noisy(sheet, rng, sigma)) for _ in range(REFRESH - 2))


def test_a_still_sheet_is_looked_at_again_every_refresh_frames(sheet):
    gate = MotionGate(refresh=5)
    seen = [gate.changed(sheet) for _ in range(11)]
    assert seen == [True, False, False, False, False, True, False, False, False, False, True]


@pytest.mark.parametrize("change", ["a thin stroke", "a faint stroke", "light", "a hand", "shape", "grey"])
def test_anything_new_is_a_change(sheet, change):
    rng = np.random.default_rng(1)
    gate = MotionGate()
    gate.changed(noisy(sheet, rng, 3.0))
    after = sheet.copy()
    if change == "a thin stroke":  # 2 px wide, 30 px long, as dark as ink
        cv2.line(after, (100, 400), (130, 380), (30, 30, 30), 2)
    elif change == "a faint stroke":  # pencil: 50 levels darker than the paper
        cv2.line(after, (100, 400), (100, 370), tuple(int(v) - 50 for v in sheet[400, 100]), 2)
    elif change == "light":
        after = cv2.convertScaleAbs(sheet, alpha=1.0, beta=4)
    elif change == "a hand":
        after[:, :60] = (90, 120, 160)
    elif change == "shape":  # the same scene, but boxes are in the pixels of the frame looked at
        after = cv2.resize(sheet, (320, 240), interpolation=cv2.INTER_AREA)
    elif change == "grey":
        after = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY)
    assert gate.changed(noisy(after, rng, 3.0))


def _run(recognizer, every_frame: bool, frames: int = 60) -> tuple[list[dict], dict]:
    out = io.StringIO()
    summary = run_stream(SyntheticSource(seed=3, count=frames, hold=15), recognizer,
                         RunOptions(json=True, every_frame=every_frame), out)
    return [json.loads(line) for line in out.getvalue().splitlines()], summary


def test_held_sheets_are_looked_at_once_and_read_as_when_every_frame_is(recognizer):
    gated, gated_summary = _run(recognizer, every_frame=False)
    every, every_summary = _run(recognizer, every_frame=True)
    assert (gated_summary["frames"], gated_summary["looked_at"]) == (60, 4)  # one sheet per 15 frames
    assert every_summary["looked_at"] == 60
    assert [r["number"] for r in gated] == [r["number"] for r in every]
    assert any(r["number"] for r in gated)
    reused = gated[1]["latency_ms"]
    assert reused["inference"] == 0.0 and reused["preprocess"] == 0.0


def test_files_are_read_frame_by_frame(recognizer, tmp_path):
    """A video or a folder is for evaluation: every frame is looked at."""
    write_video(tmp_path / "clip.mp4", frames=20)
    summary = run_stream(open_source(str(tmp_path / "clip.mp4")).open(), recognizer, RunOptions(), io.StringIO())
    assert summary["frames"] == summary["looked_at"] == 20
