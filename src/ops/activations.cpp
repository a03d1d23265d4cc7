// Point-wise activations: each is one unary kernel op with a fused backward.
#include "deepfin/ops/activations.h"

#include "ops/elementwise_internal.h"

namespace deepfin {

using kernels::UnaryOp;

Tensor relu(const Tensor& x) {
  return ew::apply_unary("relu", UnaryOp::relu, x);
}
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return ew::apply_unary("leaky_relu", UnaryOp::leaky_relu, x, negative_slope);
}
Tensor elu(const Tensor& x, double alpha) {
  return ew::apply_unary("elu", UnaryOp::elu, x, alpha);
}
Tensor sigmoid(const Tensor& x) {
  return ew::apply_unary("sigmoid", UnaryOp::sigmoid, x);
}
Tensor tanh(const Tensor& x) {
  return ew::apply_unary("tanh", UnaryOp::tanh, x);
}
Tensor gelu(const Tensor& x, bool approximate) {
  return approximate ? ew::apply_unary("gelu", UnaryOp::gelu_tanh, x) : ew::apply_unary("gelu", UnaryOp::gelu, x);
}
Tensor softplus(const Tensor& x) {
  return ew::apply_unary("softplus", UnaryOp::softplus, x);
}

}  // namespace deepfin
