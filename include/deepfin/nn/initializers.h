#pragma once
// Weight initializers by name, with Keras's fan rules and defaults. All draw
// from the seeded default generator, so set_random_seed makes them repeatable.
#include <functional>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::initializers {

using Initializer = std::function<Tensor(const Shape&, DType)>;

// glorot_uniform (Keras's kernel default), glorot_normal, he_uniform, he_normal,
// lecun_uniform, lecun_normal, zeros, ones, random_normal (stddev 0.05),
// random_uniform ([-0.05, 0.05]), orthogonal. Unknown names raise ConfigError.
Initializer get(const std::string& name);
std::vector<std::string> names();

struct Fans {
  double fan_in;
  double fan_out;
};
// Keras: a kernel (..., in, out) has receptive field = product of the leading axes.
Fans compute_fans(const Shape& shape);

}  // namespace deepfin::initializers
