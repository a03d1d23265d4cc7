// Unary element-wise math and the scalar forms of add / mul / pow: each is one
// unary kernel op whose backward kernel computes dy * f'(x).
#include <fmt/format.h>

#include "deepfin/ops/elementwise.h"
#include "ops/elementwise_internal.h"

namespace deepfin {

using kernels::UnaryOp;

Tensor neg(const Tensor& x) {
  return ew::apply_unary("neg", UnaryOp::neg, x);
}
Tensor exp(const Tensor& x) {
  return ew::apply_unary("exp", UnaryOp::exp, x);
}
Tensor log(const Tensor& x) {
  return ew::apply_unary("log", UnaryOp::log, x);
}
Tensor sqrt(const Tensor& x) {
  return ew::apply_unary("sqrt", UnaryOp::sqrt, x);
}
Tensor abs(const Tensor& x) {
  return ew::apply_unary("abs", UnaryOp::abs, x);
}
Tensor square(const Tensor& x) {
  return ew::apply_unary("square", UnaryOp::square, x);
}
Tensor sin(const Tensor& x) {
  return ew::apply_unary("sin", UnaryOp::sin, x);
}
Tensor cos(const Tensor& x) {
  return ew::apply_unary("cos", UnaryOp::cos, x);
}

Tensor clamp(const Tensor& x, double low, double high) {
  if (low > high) throw ValueError(fmt::format("clamp: low {:.6f} exceeds high {:.6f}", low, high));
  return ew::apply_unary("clamp", UnaryOp::clamp, x, low, high);
}

Tensor add(const Tensor& a, double b) {
  return ew::apply_unary("add", UnaryOp::add_scalar, a, b);
}
Tensor mul(const Tensor& a, double b) {
  return ew::apply_unary("mul", UnaryOp::mul_scalar, a, b);
}
Tensor pow(const Tensor& a, double exponent) {
  return ew::apply_unary("pow", UnaryOp::pow_scalar, a, exponent);
}

}  // namespace deepfin
