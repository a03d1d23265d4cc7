"""The seed paper's Keras program, with only its imports changed, reaches the
paper's target on Fashion-MNIST: >= 0.90 test accuracy after 10 epochs."""

import os
import re
import subprocess
import sys

import pytest


def test_seed_program_reaches_ninety_percent(root, cli, tmp_path):
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.skip("Debian's dataset-fashion-mnist is not installed (scripts/setup.sh installs it)")
    subprocess.run([cli, "export-fashion-mnist", str(tmp_path)], check=True, capture_output=True)
    run = subprocess.run(
        [sys.executable, str(root / "examples" / "python" / "seed_cnn.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith("Epoch ")) == 10  # plain lines: not a terminal
    accuracy = float(re.search(r"Test accuracy: ([0-9.]+)", run.stdout).group(1))
    assert accuracy >= 0.90, run.stdout
