#pragma once
// Reductions over axes. An empty `axes` list means every axis.
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin {

Tensor sum(const Tensor& x, const std::vector<int64_t>& axes = {}, bool keepdims = false);
Tensor mean(const Tensor& x, const std::vector<int64_t>& axes = {}, bool keepdims = false);
// Maximum over one axis; the gradient goes to the first arg-max.
Tensor max(const Tensor& x, int64_t axis, bool keepdims = false);
Tensor min(const Tensor& x, int64_t axis, bool keepdims = false);
// Population variance by default (Keras); unbiased divides by n - 1 (PyTorch's default).
Tensor var(const Tensor& x, const std::vector<int64_t>& axes = {}, bool keepdims = false, bool unbiased = false);
Tensor std(const Tensor& x, const std::vector<int64_t>& axes = {}, bool keepdims = false, bool unbiased = false);
// Index of the first maximum along an axis, as int64 (no gradient).
Tensor argmax(const Tensor& x, int64_t axis, bool keepdims = false);

}  // namespace deepfin
