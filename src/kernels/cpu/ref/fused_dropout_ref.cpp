#include "kernels/cpu/ref/fused_dropout_ref.h"

#include <cmath>

namespace deepfin::kernels::ref {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

double activate(EpilogueActivation act, double x) {
  switch (act) {
    case EpilogueActivation::relu:
      return x > 0.0 ? x : 0.0;
    case EpilogueActivation::gelu:
      return 0.5 * x * (1.0 + std::erf(x * kInvSqrt2));
    case EpilogueActivation::identity:
      break;
  }
  return x;
}

// d act / dx; relu's is 0 at 0, as in torch.
double derivative(EpilogueActivation act, double x) {
  switch (act) {
    case EpilogueActivation::relu:
      return x > 0.0 ? 1.0 : 0.0;
    case EpilogueActivation::gelu:  // Phi(x) + x phi(x)
      return 0.5 * (1.0 + std::erf(x * kInvSqrt2)) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
    case EpilogueActivation::identity:
      break;
  }
  return 1.0;
}

double keep_factor(const EpilogueDropout& d, uint64_t i) {
  if (!d.active) return 1.0;
  return epilogue_keep(epilogue_block_key(d, i), d.threshold, i) ? d.keep_scale : 0.0;
}

}  // namespace

template <class T>
void epilogue_forward(const EpilogueForward<T>& a) {
  for (int64_t i = 0; i < a.n; ++i) {
    const double v = keep_factor(a.dropout, static_cast<uint64_t>(i)) * activate(a.activation, a.x[i]);
    a.out[i] = static_cast<T>(a.residual ? static_cast<double>(a.residual[i]) + v : v);
  }
}

template <class T>
void epilogue_backward(const EpilogueBackward<T>& a) {
  for (int64_t i = 0; i < a.n; ++i) {
    const double slope = a.activation == EpilogueActivation::identity ? 1.0 : derivative(a.activation, a.x[i]);
    a.dx[i] = static_cast<T>(static_cast<double>(a.dy[i]) * keep_factor(a.dropout, static_cast<uint64_t>(i)) * slope);
  }
}

template void epilogue_forward<float>(const EpilogueForward<float>&);
template void epilogue_forward<double>(const EpilogueForward<double>&);
template void epilogue_backward<float>(const EpilogueBackward<float>&);
template void epilogue_backward<double>(const EpilogueBackward<double>&);

}  // namespace deepfin::kernels::ref
