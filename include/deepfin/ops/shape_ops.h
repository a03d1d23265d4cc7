#pragma once
// Ops that rearrange or select data: concat, stack, split, index lookups, one-hot.
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin {

Tensor concat(const std::vector<Tensor>& tensors, int64_t axis);
Tensor stack(const std::vector<Tensor>& tensors, int64_t axis);
// Splits into pieces of the given sizes along `axis` (sizes must sum to the axis length).
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis);
// Splits into `sections` equal pieces; ShapeError if the axis does not divide.
std::vector<Tensor> split(const Tensor& x, int64_t sections, int64_t axis);

// numpy.take: out.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:].
// indices are int64; out-of-range ids raise IndexError. Gradient scatters-adds into x.
Tensor gather(const Tensor& x, const Tensor& indices, int64_t axis);
// Rows of `table` (vocab, dim) for integer `ids` of any shape: ids.shape + (dim).
Tensor embedding(const Tensor& table, const Tensor& ids);
// int64 labels (any shape) -> labels.shape + (num_classes), 0/1 in `dtype`. No gradient.
Tensor one_hot(const Tensor& labels, int64_t num_classes, DType dtype = DType::float32);

// Checks that every element of the int64 tensor `indices` lies in [0, bound): DTypeError
// if it is not int64, else IndexError naming `op`, the first bad value, its position and
// the bounds. Shared by gather, embedding, one_hot and the sparse losses and metrics.
void check_index_range(const Tensor& indices, int64_t bound, const char* op);

}  // namespace deepfin
