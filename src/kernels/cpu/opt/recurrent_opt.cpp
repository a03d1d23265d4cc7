#include "kernels/cpu/opt/recurrent_opt.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/fast_math.h"
#include "kernels/cpu/ref/recurrent_cell.h"

namespace deepfin::kernels::opt {
namespace {

// tanh(x) = 2 sigmoid(2x) - 1 saturates cleanly to +-1 and, written like the
// sigmoid, vectorizes (GCC did not vectorize 1 - 2 / (exp(2x) + 1)).
inline float sigmoid_approx(float x) {
  return 1.0f / (1.0f + exp_approx(-x));
}
inline float tanh_approx(float x) {
  return 2.0f / (1.0f + exp_approx(-2.0f * x)) - 1.0f;
}

struct FastMath {
  static void activate(RnnActivation act, float* x, int64_t n) {
    switch (act) {
      case RnnActivation::tanh:
        for (int64_t k = 0; k < n; ++k) x[k] = tanh_approx(x[k]);
        break;
      case RnnActivation::sigmoid:
        for (int64_t k = 0; k < n; ++k) x[k] = sigmoid_approx(x[k]);
        break;
      case RnnActivation::relu:
        for (int64_t k = 0; k < n; ++k) x[k] = std::max(x[k], 0.0f);
        break;
      case RnnActivation::linear:
        break;
    }
  }
};

// Keras's default LSTM (tanh, sigmoid gates) in ONE pass over the units: gates,
// cell, tanh(c) and h at unit u together, instead of four activation passes and
// two update passes over the row. Same formulas as FastMath, so the results match
// the generic row to rounding.
void lstm_row_tanh_sigmoid(const RnnStepForward<float>& a, int64_t row) {
  const int64_t U = a.units;
  const float* pre = a.pre + row * a.pre_stride;
  const float* rec = a.rec + row * 4 * U;
  const float* c_prev = a.c_prev + row * U;
  float* saved = a.saved + row * a.saved_stride;
  float* c = a.c + row * U;
  float* h = a.h + row * U;
  float* out = a.out + row * a.out_stride;
#pragma GCC ivdep
  for (int64_t u = 0; u < U; ++u) {
    const float i = sigmoid_approx(pre[u] + rec[u]);
    const float f = sigmoid_approx(pre[U + u] + rec[U + u]);
    const float g = tanh_approx(pre[2 * U + u] + rec[2 * U + u]);
    const float o = sigmoid_approx(pre[3 * U + u] + rec[3 * U + u]);
    const float cell = f * c_prev[u] + i * g;
    const float act_c = tanh_approx(cell);
    saved[u] = i;
    saved[U + u] = f;
    saved[2 * U + u] = g;
    saved[3 * U + u] = o;
    saved[4 * U + u] = act_c;
    c[u] = cell;
    h[u] = out[u] = o * act_c;
  }
}

void forward_row(RnnCell cell, const RnnStepForward<float>& a, int64_t row) {
  if (cell == RnnCell::lstm && a.activation == RnnActivation::tanh &&
      a.recurrent_activation == RnnActivation::sigmoid && cell::row_kept(a.mask, a.mask_stride, row))
    return lstm_row_tanh_sigmoid(a, row);
  cell::forward_row<float, FastMath>(cell, a, row);
}

// Vectorized, a step costs about one nanosecond per 8 gate values, so even a
// 64 x 256-gate LSTM step (~2 us) is far below what waking a thread team costs
// with passive waiting (tens of us): only very large steps go parallel.
constexpr int64_t kStepParallelGateValues = int64_t{1} << 20;
bool step_parallel(RnnCell cell, int64_t batch, int64_t units) {
  return batch > 1 && get_num_threads() > 1 && batch * units * rnn_gate_count(cell) >= kStepParallelGateValues;
}

// Backward rows with the activations fixed at compile time (no branch per value).
template <RnnActivation Act, RnnActivation RAct>
void backward_rows(RnnCell cell, const RnnStepBackward<float>& a) {
  const cell::FixedDerivatives<float, Act, RAct> d;
  if (!step_parallel(cell, a.batch, a.units)) {
    for (int64_t row = 0; row < a.batch; ++row) cell::backward_row<float>(cell, a, row, d);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < a.batch; ++row) cell::backward_row<float>(cell, a, row, d);
}

using BackwardRowsFn = void (*)(RnnCell, const RnnStepBackward<float>&);

template <RnnActivation Act>
BackwardRowsFn backward_rows_for(RnnActivation ract) {
  switch (ract) {
    case RnnActivation::tanh:
      return &backward_rows<Act, RnnActivation::tanh>;
    case RnnActivation::sigmoid:
      return &backward_rows<Act, RnnActivation::sigmoid>;
    case RnnActivation::relu:
      return &backward_rows<Act, RnnActivation::relu>;
    case RnnActivation::linear:
      break;
  }
  return &backward_rows<Act, RnnActivation::linear>;
}

BackwardRowsFn backward_rows_for(RnnActivation act, RnnActivation ract) {
  switch (act) {
    case RnnActivation::tanh:
      return backward_rows_for<RnnActivation::tanh>(ract);
    case RnnActivation::sigmoid:
      return backward_rows_for<RnnActivation::sigmoid>(ract);
    case RnnActivation::relu:
      return backward_rows_for<RnnActivation::relu>(ract);
    case RnnActivation::linear:
      break;
  }
  return backward_rows_for<RnnActivation::linear>(ract);
}

}  // namespace

void fast_exp(const float* x, float* y, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = exp_approx(x[k]);
}

// `omp parallel if (false)` still sets up a one-thread team (about 1 us, more
// than a batch-1 step), so the serial case is a plain loop.
void rnn_step_forward(RnnCell cell, const RnnStepForward<float>& a) {
  if (!step_parallel(cell, a.batch, a.units)) {
    for (int64_t row = 0; row < a.batch; ++row) forward_row(cell, a, row);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < a.batch; ++row) forward_row(cell, a, row);
}

void rnn_step_backward(RnnCell cell, const RnnStepBackward<float>& a) {
  backward_rows_for(a.activation, a.recurrent_activation)(cell, a);
}

}  // namespace deepfin::kernels::opt
