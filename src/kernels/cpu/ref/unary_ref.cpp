// Reference unary kernels and their backward: dx = dy * f'(x).
#include "kernels/cpu/ref/elementwise_math.h"
#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels {

bool unary_backward_needs_input(UnaryOp op) {
  switch (op) {
    case UnaryOp::log:
    case UnaryOp::abs:
    case UnaryOp::square:
    case UnaryOp::clamp:
    case UnaryOp::pow_scalar:
    case UnaryOp::relu:
    case UnaryOp::leaky_relu:
    case UnaryOp::elu:
    case UnaryOp::gelu:
    case UnaryOp::gelu_tanh:
    case UnaryOp::softplus:
    case UnaryOp::sin:
    case UnaryOp::cos:
      return true;
    default:
      return false;
  }
}

bool unary_backward_needs_output(UnaryOp op) {
  return op == UnaryOp::exp || op == UnaryOp::sqrt || op == UnaryOp::sigmoid || op == UnaryOp::tanh;
}

namespace ref {

template <class T>
void unary_ew(UnaryOp op, int64_t n, const T* x, T* y, T alpha, T beta) {
  for (int64_t i = 0; i < n; ++i) y[i] = math::unary(op, x[i], alpha, beta);
}

template <class T>
void unary_ew_backward(UnaryOp op, int64_t n, const T* x, const T* y, const T* dy, T* dx, T alpha, T beta) {
  for (int64_t i = 0; i < n; ++i) {
    const T xi = x ? x[i] : T(0);
    const T yi = y ? y[i] : T(0);
    dx[i] = dy[i] * math::unary_derivative(op, xi, yi, alpha, beta);
  }
}

template void unary_ew<float>(UnaryOp, int64_t, const float*, float*, float, float);
template void unary_ew<double>(UnaryOp, int64_t, const double*, double*, double, double);
template void unary_ew_backward<float>(UnaryOp, int64_t, const float*, const float*, const float*, float*, float,
                                       float);
template void unary_ew_backward<double>(UnaryOp, int64_t, const double*, const double*, const double*, double*, double,
                                        double);

}  // namespace ref
}  // namespace deepfin::kernels
