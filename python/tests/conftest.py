"""Fixtures of the pytest suite. ctest runs it from the repository root with
PYTHONPATH pointing at the build tree's package (python/CMakeLists.txt)."""

import os
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def shared():
    if not SHARED.is_dir():
        pytest.skip(f"the shared data sets are not at {SHARED}")
    return SHARED


@pytest.fixture
def cli():
    """The deepfin command of the same build."""
    path = os.environ.get("DEEPFIN_CLI", str(ROOT / "build" / "release" / "deepfin"))
    if not os.path.exists(path):
        pytest.skip(f"the deepfin command is not built ({path})")
    return path


@pytest.fixture
def blobs():
    """Three separable classes of 8x8 one-channel images and their one-hot labels."""
    rng = np.random.default_rng(7)
    n = 240
    labels = rng.integers(0, 3, n)
    x = rng.normal(0, 0.3, (n, 8, 8, 1)).astype(np.float32)
    for c in range(3):
        x[labels == c, c * 2 : c * 2 + 3, :, 0] += 1.5
    y = np.eye(3, dtype=np.float32)[labels]
    return x, y, labels
