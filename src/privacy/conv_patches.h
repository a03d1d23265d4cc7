#pragma once
// The patches a Conv1D or Conv2D layer multiplies with its kernel, one row per
// output position: with them, example i's kernel gradient is one matrix
// product, patches_i^T g_i, and all examples' are one batched product.
#include <optional>

#include "deepfin/core/tensor.h"
#include "deepfin/nn/layer.h"

namespace deepfin::privacy::detail {

// (batch, output positions, kernel height * width * input channels), in the
// kernel's (kh, kw, Cin) order, zeros where the window hangs over the padding.
// nullopt when the layer's geometry is not one this reads (the caller then
// re-runs the layer per example), or when the output shape it implies differs
// from `output_shape` (batch first, channels last).
std::optional<Tensor> conv_patches(const nn::Layer& conv, const Tensor& x, const Shape& output_shape);

}  // namespace deepfin::privacy::detail
