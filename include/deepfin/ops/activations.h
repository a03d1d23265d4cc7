#pragma once
// Activation functions and (log-)softmax, each with its analytic backward.
#include "deepfin/core/tensor.h"

namespace deepfin {

Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.3);  // Keras LeakyReLU default
Tensor elu(const Tensor& x, double alpha = 1.0);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor gelu(const Tensor& x, bool approximate = false);  // exact erf form unless approximate (tanh form)
Tensor softplus(const Tensor& x);                        // log(1 + e^x), stable for large |x|
Tensor softmax(const Tensor& x, int64_t axis = -1);
Tensor log_softmax(const Tensor& x, int64_t axis = -1);

}  // namespace deepfin
