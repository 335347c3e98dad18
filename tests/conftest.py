"""Shared fixtures: the committed MNIST subset, an in-process CLI runner, small trained models."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TESTS = Path(__file__).parent
# A 2,000 / 1,000 stratified MNIST subset, stored as npz so no file looks like the full set.
SUBSET_NPZ = TESTS / "data" / "mnist-subset.npz"


@dataclass
class Result:
    status: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def mnist_dir(tmp_path_factory) -> Path:
    """The committed subset written out as the four standard gzipped IDX files, as users have them."""
    import numpy as np

    from scripts.make_test_subset import write_idx
    from digitcam.train.data import IDX_FILES

    folder = tmp_path_factory.mktemp("mnist")
    with np.load(SUBSET_NPZ) as npz:
        for key, stem in IDX_FILES.items():
            write_idx(folder / f"{stem}.gz", npz[key])
    return folder


@pytest.fixture
def cli(mnist_dir):
    """Run `digitcam ARGS` in-process with captured output and an isolated environment."""
    from digitcam.cli import main
    from digitcam.environment import Environment

    def run(*args: str, environ: dict | None = None, isatty: bool = False) -> Result:
        out, err = io.StringIO(), io.StringIO()
        env = Environment(stdout=out, stderr=err, environ={"DIGITCAM_DATA": str(mnist_dir), **(environ or {})},
                          stdin_isatty=isatty)
        status = main([str(a) for a in args], env)
        return Result(status, out.getvalue(), err.getvalue())

    return run


def run_digitcam(*args: str, env: dict | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `python -m digitcam` in a fresh interpreter (for import isolation, signals, ttys)."""
    return subprocess.run([sys.executable, "-m", "digitcam", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **kwargs)


@pytest.fixture(scope="session")
def small_mnist(mnist_dir):
    from digitcam.train.data import load_mnist

    return load_mnist(mnist_dir, environ={})


@pytest.fixture(scope="session")
def trained_cnn(tmp_path_factory, small_mnist) -> Path:
    """A small CNN fitted for a few epochs on the subset: enough to be far above chance."""
    from digitcam.train import runs
    from digitcam.train.fit import FitConfig

    out = tmp_path_factory.mktemp("cnn")
    runs.train("cnn", small_mnist, out, FitConfig(epochs=3, seed=3, augment=False, batch_size=64))
    return out / "cnn.keras"


@pytest.fixture
def tmp_copy(tmp_path):
    def copy(path: Path) -> Path:
        target = tmp_path / Path(path).name
        shutil.copy(path, target)
        return target

    return copy


ROOT = TESTS.parent
SHIPPED = ROOT / "models"
SAMPLE_VIDEO = ROOT / "samples" / "paper-digits.mp4"


@pytest.fixture(scope="session")
def shipped_models() -> Path:
    """The models committed in models/ (the runtime's out-of-the-box default)."""
    assert (SHIPPED / "manifest.json").is_file()
    return SHIPPED


@pytest.fixture(scope="session")
def recognizer(shipped_models):
    """The default model as the runtime runs it: int8 CNN, with its calibration temperature."""
    from digitcam.edge.backends import open_backend
    from digitcam.edge.discovery import find_model
    from digitcam.edge.recognizer import Recognizer

    choice = find_model(shipped_models / "cnn.int8.tflite", environ={})
    return Recognizer(open_backend(choice.path, threads=1), choice.temperature)
