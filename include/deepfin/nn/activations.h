#pragma once
// Activations by name, as Keras's `activation="relu"` strings. Each maps to a
// differentiable op from deepfin/ops/activations.h.
#include <functional>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::activations {

using Activation = std::function<Tensor(const Tensor&)>;

// relu, sigmoid, tanh, softmax, gelu, elu, leaky_relu, softplus, linear (and "" = linear).
// Unknown names raise ConfigError listing the known ones.
Activation get(const std::string& name);
Tensor apply(const std::string& name, const Tensor& x);
std::vector<std::string> names();

}  // namespace deepfin::activations
