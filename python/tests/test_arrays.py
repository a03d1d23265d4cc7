"""numpy at the border: memory is shared where the element types agree, copied
only where they must change, and stays valid as long as either side holds it."""

import gc
import sys

import numpy as np
import pytest

import deepfin
from deepfin.layers import Dense, Flatten
from deepfin.models import Sequential


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_tensor_shares_the_array_memory(dtype):
    a = np.arange(12, dtype=dtype).reshape(3, 4)
    t = deepfin.Tensor(a)
    assert t.shape == (3, 4) and t.dtype == np.dtype(dtype).name
    back = np.asarray(t)
    assert np.shares_memory(back, a)
    a[1, 2] = 99
    assert np.asarray(t)[1, 2] == 99  # one memory, seen from both sides
    assert memoryview(t).shape == (3, 4)


def test_strided_views_are_shared_and_reversed_ones_copied():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    strided = a[:, ::2]
    t = deepfin.Tensor(strided)
    assert np.shares_memory(np.asarray(t), a)
    np.testing.assert_array_equal(np.asarray(t), strided)
    reversed_rows = a[::-1]
    r = deepfin.Tensor(reversed_rows)  # negative strides: a copy, in C order
    assert not np.shares_memory(np.asarray(r), a)
    np.testing.assert_array_equal(np.asarray(r), reversed_rows)
    fortran = np.asfortranarray(a)
    np.testing.assert_array_equal(np.asarray(deepfin.Tensor(fortran)), a)


def test_other_numbers_are_converted_once():
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    t = deepfin.Tensor(img)
    assert t.dtype == "int64"
    np.testing.assert_array_equal(np.asarray(t), img)
    assert deepfin.Tensor(np.ones(3, np.float16)).dtype == "float32"
    assert deepfin.Tensor([1.5, 2.5]).dtype == "float64"


def test_tensor_outlives_the_array_and_the_array_outlives_the_tensor():
    a = np.arange(5, dtype=np.float32)
    t = deepfin.Tensor(a)
    refs = sys.getrefcount(a)
    del a
    gc.collect()
    np.testing.assert_array_equal(np.asarray(t), np.arange(5, dtype=np.float32))
    b = np.asarray(t)
    del t
    gc.collect()
    np.testing.assert_array_equal(b, np.arange(5, dtype=np.float32))
    assert refs >= 2


def test_array_refcount_returns_after_the_tensor_goes():
    a = np.zeros(4, np.float32)
    before = sys.getrefcount(a)
    t = deepfin.Tensor(a)
    assert sys.getrefcount(a) == before + 1
    del t
    gc.collect()
    assert sys.getrefcount(a) == before


def test_predictions_own_their_memory_after_the_model_is_gone():
    model = Sequential([Flatten(input_shape=(2, 2)), Dense(3)])
    x = np.ones((5, 2, 2), np.float32)
    p = model.predict(x)
    expected = p.copy()
    del model
    gc.collect()
    np.testing.assert_array_equal(p, expected)
    weights = Sequential([Dense(2, input_shape=(3,))]).get_weights()
    gc.collect()
    assert weights[0].shape == (3, 2)


def test_fit_reads_views_uint8_images_and_float64(blobs):
    x, y, labels = blobs
    model = Sequential([Flatten(input_shape=(8, 8, 1)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    big = np.concatenate([x, x])
    model.fit(big[1:241], np.concatenate([labels, labels])[1:241], epochs=1, verbose=0)  # an offset view
    model.fit(x.astype(np.float64), labels.astype(np.int32), epochs=1, verbose=0)
    model.fit((np.clip(x, 0, 1) * 255).astype(np.uint8), labels, epochs=1, verbose=0)
    model.fit(x[:, ::-1], labels, epochs=1, verbose=0)  # reversed rows: a copy
    assert model.predict(x[::2]).shape == (120, 3)


def test_tensor_repr_and_array_protocol():
    t = deepfin.Tensor(np.eye(2, dtype=np.float32))
    assert "shape=(2, 2)" in repr(t)
    np.testing.assert_array_equal(np.array(t, dtype=np.float64), np.eye(2))
    assert len(t) == 2


def test_byte_order_read_only_and_misaligned_memory_are_copied_not_misread():
    big_endian = np.arange(4, dtype=">f4")
    np.testing.assert_array_equal(np.asarray(deepfin.Tensor(big_endian)), [0, 1, 2, 3])
    frozen = bytes(16)
    view = np.asarray(deepfin.Tensor(np.frombuffer(frozen, np.float32)))
    view[0] = 42  # a copy: the immutable bytes stay as they were
    assert frozen == bytes(16)
    misaligned = np.frombuffer(bytearray(17), np.float32, offset=1, count=4)
    assert np.asarray(deepfin.Tensor(misaligned)).ctypes.data % 4 == 0
    broadcast = np.broadcast_to(np.arange(3, dtype=np.float32), (4, 3))
    t = np.asarray(deepfin.Tensor(broadcast))
    t[0, 0] = 9  # its own rows, not four aliases of one
    assert t[1, 0] == 0
    assert deepfin.Tensor(np.array(3, np.int32)).shape == ()
    with pytest.raises(ValueError, match="uint64"):
        deepfin.Tensor(np.array([2**64 - 1], np.uint64))


def test_models_read_big_endian_and_broadcast_inputs():
    model = Sequential([Dense(2, input_shape=(3,))])
    x = np.ones((4, 3), np.float32)
    np.testing.assert_array_equal(model.predict(x.astype(">f4")), model.predict(x))
    np.testing.assert_array_equal(model.predict(np.broadcast_to(x[0], (4, 3))), model.predict(x))
