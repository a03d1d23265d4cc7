"""Parity with the C++ API: the same seed, data and options give the same weights
from Python as from a C++ program (reference_fit.cpp), bit for bit."""

import os
import subprocess

import numpy as np
import pytest
from safetensors_reader import read_tensors

import deepfin
from deepfin.layers import Conv2D, Dense, Flatten, MaxPooling2D
from deepfin.models import Sequential


@pytest.fixture
def reference():
    path = os.environ.get("DEEPFIN_REFERENCE_FIT")
    if not path or not os.path.exists(path):
        pytest.skip("the C++ reference program is not built (ctest sets DEEPFIN_REFERENCE_FIT)")
    return path


def test_python_and_cpp_train_the_same_weights(reference, blobs, tmp_path):
    x, y, _ = blobs
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    seed, epochs, batch = 11, 3, 16
    subprocess.run(
        [reference, tmp_path / "x.npy", tmp_path / "y.npy", tmp_path / "cpp.safetensors", str(seed), str(epochs), str(batch)],
        check=True,
    )
    deepfin.set_random_seed(seed)
    model = Sequential(
        [
            Conv2D(4, (3, 3), activation="relu", input_shape=(8, 8, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer=deepfin.optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0)
    cpp = deepfin.models.load_model(tmp_path / "cpp.safetensors")
    for ours, theirs in zip(model.get_weights(), cpp.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    assert model.evaluate(x, y, verbose=0) == cpp.evaluate(x, y, verbose=0)
    # The file itself, read without deepfin: the same tensors Python holds.
    raw = read_tensors(tmp_path / "cpp.safetensors")
    kernel = [v for k, v in raw.items() if k.endswith("kernel") and "dense" in k][0]
    np.testing.assert_array_equal(kernel, model.layers[3].get_weights()[0])
