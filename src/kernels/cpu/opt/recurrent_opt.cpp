#include "kernels/cpu/opt/recurrent_opt.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "deepfin/core/threads.h"
#include "kernels/cpu/ref/recurrent_cell.h"

namespace deepfin::kernels::opt {
namespace {

// Cephes-style expf: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by a degree-6
// polynomial, 2^n put straight into the exponent bits. No branches and no
// library calls, so GCC vectorizes the loops that inline it.
inline float exp_approx(float x) {
  x = std::clamp(x, -87.0f, 88.0f);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

struct FastMath {
  static void activate(RnnActivation act, float* x, int64_t n) {
    switch (act) {
      case RnnActivation::tanh:
        // tanh(x) = 1 - 2 / (exp(2x) + 1): saturates cleanly to +-1.
        for (int64_t k = 0; k < n; ++k) x[k] = 1.0f - 2.0f / (exp_approx(2.0f * x[k]) + 1.0f);
        break;
      case RnnActivation::sigmoid:
        for (int64_t k = 0; k < n; ++k) x[k] = 1.0f / (1.0f + exp_approx(-x[k]));
        break;
      case RnnActivation::relu:
        for (int64_t k = 0; k < n; ++k) x[k] = std::max(x[k], 0.0f);
        break;
      case RnnActivation::linear:
        break;
    }
  }
};

// Roughly 30 scalar operations per gate value.
bool step_parallel(RnnCell cell, int64_t batch, int64_t units) {
  return batch > 1 && worth_parallel(30 * batch * units * rnn_gate_count(cell));
}

}  // namespace

void fast_exp(const float* x, float* y, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = exp_approx(x[k]);
}

void rnn_step_forward(RnnCell cell, const RnnStepForward<float>& a) {
#pragma omp parallel for schedule(static) if (step_parallel(cell, a.batch, a.units))
  for (int64_t row = 0; row < a.batch; ++row) cell::forward_row<float, FastMath>(cell, a, row);
}

void rnn_step_backward(RnnCell cell, const RnnStepBackward<float>& a) {
#pragma omp parallel for schedule(static) if (step_parallel(cell, a.batch, a.units))
  for (int64_t row = 0; row < a.batch; ++row) cell::backward_row<float>(cell, a, row);
}

}  // namespace deepfin::kernels::opt
