#pragma once
// Dropout fused with what surrounds it in a Transformer block, one pass over
// memory each way and no stored mask:
//
//   dropout_add(x, residual, rate, training)          = residual + dropout(x)
//   activation_dropout(x, activation, rate, training) = dropout(activation(x))
//
// Inverted dropout as deepfin::dropout (zero with probability `rate`, scale the rest
// by 1 / (1 - rate), identity when !training or rate == 0), but each element's
// decision is a hash of (one 64-bit key drawn from `gen` or the default generator
// per call, its flat index): backward recomputes it, the same seed gives the same
// masks whatever the thread count, and the mask stream differs from deepfin::dropout's.
#include <string>

#include "deepfin/core/random.h"
#include "deepfin/core/tensor.h"

namespace deepfin {

// ShapeError unless x and residual have the same shape; DTypeError unless both
// have the same floating dtype; ValueError for rate outside [0, 1).
Tensor dropout_add(const Tensor& x, const Tensor& residual, double rate, bool training, Generator* gen = nullptr);

// activation: "gelu" (exact erf form), "relu" or "linear". ValueError for any
// other name (see fused_activation_supported) or rate outside [0, 1).
Tensor activation_dropout(const Tensor& x, const std::string& activation, double rate, bool training,
                          Generator* gen = nullptr);
bool fused_activation_supported(const std::string& activation);

}  // namespace deepfin
