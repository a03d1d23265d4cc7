#pragma once
// Fused normalization ops with a hand-written backward.
#include "deepfin/core/tensor.h"

namespace deepfin {

// Layer normalization over the last axis (torch.nn.functional.layer_norm with
// normalized_shape = (x.shape[-1],), Keras LayerNormalization(axis=-1)):
//   y = (x - mean) / sqrt(var + epsilon) * gamma + beta,
// with the population variance of each row. gamma and beta are (features,) or
// undefined (scale 1, shift 0). One fused kernel forward, one backward giving
// dx, dgamma and dbeta. ShapeError for a scalar x or a gamma/beta of another
// width, DTypeError for mixed or non-floating dtypes, ValueError for epsilon <= 0.
Tensor layer_norm(const Tensor& x, const Tensor& gamma = {}, const Tensor& beta = {}, double epsilon = 1e-5);

// RMS normalization over the last axis (Zhang & Sennrich 2019; the RMSNorm of
// LLaMA-style decoders): y = x / sqrt(mean(x^2) + epsilon) * gamma, no centring and
// no shift. gamma is (features,) or undefined (scale 1). Errors as layer_norm's.
Tensor rms_norm(const Tensor& x, const Tensor& gamma = {}, double epsilon = 1e-6);

}  // namespace deepfin
