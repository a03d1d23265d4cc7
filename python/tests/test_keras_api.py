"""The Keras-style API: building, compiling, training, evaluating, predicting,
saving and loading, with Keras's names, spellings and return values."""

import numpy as np
import pytest

import deepfin
from deepfin import callbacks, layers, losses, metrics, optimizers
from deepfin.layers import Conv2D, Dense, Flatten, MaxPooling2D
from deepfin.models import Sequential, load_model


def small_cnn():
    return Sequential(
        [
            Conv2D(4, (3, 3), activation="relu", input_shape=(8, 8, 1)),
            MaxPooling2D(pool_size=(2, 2)),
            Flatten(),
            Dense(3, activation="softmax"),
        ]
    )


def test_seed_program_spellings_train_and_evaluate(blobs):
    x, y, _ = blobs
    deepfin.set_random_seed(1)
    model = Sequential()
    model.add(Conv2D(4, (3, 3), activation="relu", input_shape=(8, 8, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(3, activation="softmax"))
    model.compile(optimizer=optimizers.Adam(lr=0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:200], y[:200], epochs=5, batch_size=32, validation_data=(x[200:], y[200:]), verbose=0)
    assert isinstance(history, callbacks.History)
    assert history.epoch == [0, 1, 2, 3, 4]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x[200:], y[200:], verbose=0)
    assert accuracy > 0.9
    assert loss == pytest.approx(history.history["val_loss"][-1], rel=1e-6)
    assert model.evaluate(x[200:], y[200:], return_dict=True)["accuracy"] == accuracy
    p = model.predict(x[200:])
    assert p.shape == (40, 3) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert float(np.mean(p.argmax(1) == y[200:].argmax(1))) == pytest.approx(accuracy)


def test_summary_shapes_and_counts(capsys):
    model = small_cnn()
    model.summary()
    out = capsys.readouterr().out
    assert "conv2d" in out and "(None, 6, 6, 4)" in out and "Total params: 151" in out
    assert model.count_params() == 4 * 9 + 4 + 36 * 3 + 3
    assert model.output_shape == (None, 3)
    assert [type(l).__name__ for l in model.layers] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]


def test_save_and_load_model_round_trip(tmp_path, blobs):
    x, y, _ = blobs
    model = small_cnn()
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "m.safetensors"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Compiled state travels too: training continues from the same optimizer step.
    assert loaded.optimizer.iterations == model.optimizer.iterations
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    with pytest.raises(FileExistsError):
        model.save(path, overwrite=False)


def test_pickle_round_trip(blobs):
    import pickle

    x, y, _ = blobs
    model = small_cnn()
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


def test_every_engine_layer_has_a_python_class():
    names = set(deepfin._deepfin.registered_layers())
    assert names <= set(layers.__all__)
    for name in names:
        klass = getattr(layers, name)
        assert klass.__doc__ and "defaults" in klass.__doc__


@pytest.mark.parametrize(
    "layer, x",
    [
        (lambda: layers.Dense(3, activation="tanh"), np.ones((2, 4), np.float32)),
        (lambda: layers.Conv1D(2, 3), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.LSTM(3), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.GRU(3, return_sequences=True), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.SimpleRNN(3), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.Bidirectional(layers.LSTM(2)), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.TimeDistributed(layers.Dense(2)), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.MultiHeadAttention(2, 4), np.ones((2, 5, 8), np.float32)),
        (lambda: layers.TransformerEncoder(2, 8), np.ones((2, 5, 8), np.float32)),
        (lambda: layers.Embedding(10, 4, mask_zero=True), np.array([[1, 2, 0]], np.int64)),
        (lambda: layers.BatchNormalization(), np.ones((2, 3), np.float32)),
        (lambda: layers.LayerNormalization(), np.ones((2, 3), np.float32)),
        (lambda: layers.Dropout(0.5), np.ones((2, 3), np.float32)),
        (lambda: layers.GlobalAveragePooling1D(), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.GlobalMaxPooling1D(), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.GlobalAveragePooling2D(), np.ones((2, 4, 4, 3), np.float32)),
        (lambda: layers.AveragePooling2D(2), np.ones((2, 4, 4, 3), np.float32)),
        (lambda: layers.Reshape((3, 2)), np.ones((2, 6), np.float32)),
        (lambda: layers.Activation("relu"), -np.ones((2, 3), np.float32)),
        (lambda: layers.Masking(), np.ones((2, 5, 3), np.float32)),
        (lambda: layers.PositionalEmbedding(5), np.ones((2, 5, 3), np.float32)),
    ],
)
def test_layers_run_on_numpy(layer, x):
    out = layer()(x)
    assert isinstance(out, np.ndarray) and out.shape[0] == x.shape[0]
    assert np.all(np.isfinite(out))


def test_layer_weights_and_config_round_trip():
    dense = layers.Dense(2, use_bias=False, name="d")
    dense(np.ones((1, 3), np.float32))
    (kernel,) = dense.get_weights()
    dense.set_weights([np.full_like(kernel, 0.5)])
    np.testing.assert_array_equal(dense(np.ones((1, 3), np.float32)), [[1.5, 1.5]])
    again = layers.Dense.from_config(dense.get_config())
    assert again.get_config() == dense.get_config()
    with pytest.raises(ValueError, match="shape"):
        dense.set_weights([np.zeros((4, 2), np.float32)])


def test_integer_sizes_expand_for_2d_layers():
    assert layers.Conv2D(2, 3).get_config()["kernel_size"] == [3, 3]
    assert layers.MaxPooling2D(2).get_config()["pool_size"] == [2, 2]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_optimizers_by_class_and_by_name(name, blobs):
    x, y, _ = blobs
    opt = getattr(optimizers, name)(learning_rate=0.01)
    assert opt.learning_rate == pytest.approx(0.01)
    model = small_cnn()
    model.compile(optimizer=opt, loss="categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.optimizer.iterations == 8
    model.optimizer.learning_rate = 0.001  # the same C++ object training uses
    assert opt.learning_rate == pytest.approx(0.001)
    by_name = small_cnn()
    by_name.compile(optimizer=name.lower(), loss="categorical_crossentropy")
    assert type(by_name.optimizer).__name__ == name


def test_learning_rate_schedule_object():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert schedule(10) == pytest.approx(0.05)
    opt = optimizers.SGD(learning_rate=schedule)
    assert opt.get_config()["learning_rate"]["class_name"] == "ExponentialDecay"


def test_losses_and_metrics_standalone():
    y_true = np.array([[0, 1], [1, 0]], np.float32)
    y_pred = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    expected = -np.mean(np.log([0.8, 0.6]))
    assert losses.CategoricalCrossentropy()(y_true, y_pred) == pytest.approx(expected, rel=1e-6)
    assert losses.get("categorical_crossentropy")(y_true, y_pred) == pytest.approx(expected, rel=1e-6)
    assert losses.MeanSquaredError()(y_true, y_pred) == pytest.approx(np.mean((y_true - y_pred) ** 2), rel=1e-6)
    m = metrics.CategoricalAccuracy()
    m.update_state(y_true, y_pred)
    assert m.result() == 1.0
    m.update_state(y_true, y_pred[::-1])
    assert m.result() == 0.5
    m.reset_state()
    assert m.result() == 0.0
    auc = metrics.AUC()
    auc.update_state(np.array([0, 0, 1, 1], np.float32), np.array([0.1, 0.4, 0.35, 0.8], np.float32))
    assert auc.result() == pytest.approx(0.75, abs=1e-3)


def test_metric_objects_in_compile(blobs):
    x, y, _ = blobs
    model = small_cnn()
    model.compile(optimizer="adam", loss=losses.CategoricalCrossentropy(), metrics=[metrics.CategoricalAccuracy()])
    h = model.fit(x, y, epochs=1, verbose=0)
    assert "categorical_accuracy" in h.history


def test_class_weight_sample_weight_and_validation_split(blobs):
    x, y, labels = blobs
    model = small_cnn()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, epochs=1, validation_split=0.25, class_weight={0: 2.0}, verbose=0)
    assert "val_accuracy" in h.history
    w = np.where(labels == 1, 0.0, 1.0).astype(np.float64)
    model.fit(x, y, epochs=1, sample_weight=w, verbose=0)


def test_to_categorical_matches_keras():
    np.testing.assert_array_equal(deepfin.utils.to_categorical([0, 2, 1], 3), np.eye(3)[[0, 2, 1]])
    assert deepfin.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    with pytest.raises(ValueError, match="not below num_classes"):
        deepfin.utils.to_categorical([3], 3)


def test_privacy_option_trains_with_dp_sgd(blobs):
    x, y, _ = blobs
    model = Sequential([Flatten(input_shape=(8, 8, 1)), Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    h = model.fit(x, y, epochs=2, batch_size=32, verbose=0,
                  privacy={"noise_multiplier": 1.0, "max_grad_norm": 1.0, "secure_rng": False})
    assert "epsilon" in h.history and h.history["epsilon"][1] > h.history["epsilon"][0] > 0
    with pytest.raises(ValueError, match="unknown key 'epsilom'"):
        model.fit(x, y, epochs=1, verbose=0, privacy={"epsilom": 1.0})


def test_layer_set_weights_changes_nothing_on_a_bad_list():
    dense = layers.Dense(2, name="atomic")
    dense(np.ones((1, 3), np.float32))
    kernel, bias = dense.get_weights()
    with pytest.raises(ValueError, match="bias"):
        dense.set_weights([np.zeros_like(kernel), np.zeros(5, np.float32)])
    np.testing.assert_array_equal(dense.get_weights()[0], kernel)


def test_layer_token_ids_beyond_float32_precision_are_refused():
    embedding = layers.Embedding(10, 2)
    with pytest.raises(ValueError, match="2\\^24"):
        embedding(np.array([[2**25]], np.int64))
