#pragma once
// Class labels <-> one-hot rows, like keras.utils.to_categorical.
#include <cstdint>

#include "deepfin/core/tensor.h"

namespace deepfin::data {

// Labels of shape (N,) or (N, 1), int64 or integral floats, to float32 one-hot
// (N, num_classes). num_classes = -1 uses max(label) + 1. ValueError for a
// negative, non-integral or out-of-range label (naming it and its position).
Tensor to_categorical(const Tensor& labels, int64_t num_classes = -1);

// The class of each sample, as int64 (N,): int64 labels as they are, one-hot or
// probability rows (N, C>1) by argmax, integral float labels (N,) or (N, 1) cast.
// `op` names the caller in errors.
Tensor class_indices(const Tensor& y, const char* op);

}  // namespace deepfin::data
