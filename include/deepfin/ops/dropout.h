#pragma once
// Inverted dropout: at training time zero each element with probability `rate`
// and scale the rest by 1 / (1 - rate); identity otherwise.
#include "deepfin/core/random.h"
#include "deepfin/core/tensor.h"

namespace deepfin {

Tensor dropout(const Tensor& x, double rate, bool training, Generator* gen = nullptr);

}  // namespace deepfin
