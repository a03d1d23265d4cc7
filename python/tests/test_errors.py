"""Bad input from Python gets the engine's clear messages, as the exception a
Python user expects: wrong shapes, wrong dtypes, object arrays, NaN, missing files,
unknown options."""

import numpy as np
import pytest

import deepfin
from deepfin import layers
from deepfin.layers import Dense, Flatten
from deepfin.models import Sequential, load_model


MODEL = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}}

COMPILE = {"optimizer": "adam", "loss": "binary_crossentropy"}


def compiled():
    model = Sequential([Flatten(input_shape=(4,)), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def test_wrong_input_shape_is_a_value_error():
    with pytest.raises(ValueError, match=r"expects input shape \(4,\).*\(8, 3\)"):
        compiled().fit(np.ones((8, 3), np.float32), np.eye(2, dtype=np.float32)[[0, 1] * 4], verbose=0)


def test_mismatched_sample_counts_name_both():
    with pytest.raises(ValueError, match="8.*7|7.*8"):
        compiled().fit(np.ones((8, 4), np.float32), np.eye(2, dtype=np.float32)[[0] * 7], verbose=0)


def test_object_and_string_arrays_are_type_errors():
    x = np.array([[1, "a", 2, 3]] * 4, dtype=object)
    with pytest.raises(TypeError, match="dtype object"):
        compiled().predict(x)
    with pytest.raises(TypeError, match="not numeric"):
        compiled().predict(np.array([["a", "b", "c", "d"]]))


def test_nan_in_the_data_is_named():
    x = np.ones((4, 4), np.float32)
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN at flat index 9 \\(sample 2\\)"):
        compiled().fit(x, np.eye(2, dtype=np.float32)[[0, 1, 0, 1]], verbose=0)


def test_missing_files_are_file_not_found_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors") as e:
        load_model(tmp_path / "nope.safetensors")
    assert e.value.errno == 2
    with pytest.raises(FileNotFoundError):
        deepfin.run(tmp_path / "missing.toml")
    job = {"data": {"path": str(tmp_path / "absent.csv"), "target": "y", "positive_label": "1"}, "model": MODEL, "compile": COMPILE}
    with pytest.raises(FileNotFoundError, match="absent.csv"):
        deepfin.CreditModel(job).fit()


def test_a_corrupt_model_file_is_a_value_error(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(ValueError, match="bad.safetensors"):
        load_model(bad)


def test_unknown_layer_option_lists_the_known_ones():
    with pytest.raises(TypeError, match="Dense: got an unexpected keyword argument 'activaton'"):
        layers.Dense(3, activaton="relu")
    with pytest.raises(ValueError, match="units must be positive"):
        layers.Dense(0)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="adam"):
        compiled().compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        compiled().compile(optimizer="adam", loss="crossentropyy")
    m = compiled()
    m.compile(optimizer="adam", loss="mse", metrics=["acuracy"])  # resolved at the first batch, as in Keras
    with pytest.raises(ValueError, match="accuracy"):
        m.fit(np.ones((4, 4), np.float32), np.eye(2, dtype=np.float32)[[0, 1, 0, 1]], verbose=0)


def test_bad_arguments_are_rejected_before_training():
    m = compiled()
    x, y = np.ones((4, 4), np.float32), np.eye(2, dtype=np.float32)[[0, 1, 0, 1]]
    with pytest.raises(ValueError, match="verbose"):
        m.fit(x, y, verbose=7)
    with pytest.raises(TypeError, match="batch_size"):
        m.fit(x, y, batch_size=2.5)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        m.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_data must be a pair"):
        m.fit(x, y, validation_data=(x, y, y), verbose=0)
    with pytest.raises(TypeError, match="callbacks"):
        m.fit(x, y, callbacks=[object()], verbose=0)


def test_errors_in_job_dicts_name_the_key():
    with pytest.raises(ValueError, match="unknown key 'epoch'"):
        deepfin.load_job({"data": {"source": "fashion_mnist"}, "model": MODEL, "compile": COMPILE, "fit": {"epoch": 3}})


def test_a_failed_fit_keeps_the_model_usable():
    m = compiled()
    x, y = np.ones((4, 4), np.float32), np.eye(2, dtype=np.float32)[[0, 1, 0, 1]]
    before = m.get_weights()
    with pytest.raises(ValueError):
        m.fit(x[:, :3], y, verbose=0)
    for a, b in zip(before, m.get_weights()):
        np.testing.assert_array_equal(a, b)
    m.fit(x, y, verbose=0)


def test_folders_and_unwritable_paths_are_os_errors(tmp_path):
    with pytest.raises(IsADirectoryError, match="Is a directory"):
        load_model(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match="file.txt"):
        compiled().save(tmp_path / "file.txt" / "m.safetensors")


def test_empty_inputs_are_value_errors():
    with pytest.raises(ValueError, match="no labels"):
        deepfin.TextClassifier("examples/phrasebank_allagree.toml").fit([], [])
    with pytest.raises(ValueError, match="does not exist"):
        deepfin.CreditModel("examples/credit_german.toml").fit({"a": []})
    with pytest.raises(ValueError, match="no columns"):
        deepfin.CreditModel("examples/credit_german.toml").fit({})
