// Backward through time for the fused recurrent ops (see recurrent_internal.h).
#include <cstring>
#include <utility>

#include "kernels/gemm.h"
#include "ops/recurrent_internal.h"
#include "ops/recurrent_step_gemm.h"

namespace deepfin::detail {
namespace {

// out[j] = sum over rows of m[r * width + j].
template <class T>
void column_sums(const T* m, int64_t rows, int64_t width, T* out) {
  std::memset(out, 0, sizeof(T) * width);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < width; ++j) out[j] += m[r * width + j];
}

// (rows, cols) -> (cols, rows), so the per-step GEMM reads R^T without a transposed operand.
template <class T>
Tensor transposed(const Tensor& m) {
  const int64_t rows = m.size(0), cols = m.size(1);
  Tensor out = Tensor::empty({cols, rows}, m.dtype());
  const T* src = m.data<T>();
  T* dst = out.data<T>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  return out;
}

// dx (N, T, F) from the step-major dx_steps (T, N, F), times the input dropout mask.
template <class T>
Tensor dx_from_steps(const SequenceSpec& s, const Tensor& dx_steps, const Tensor& drop) {
  const int64_t N = s.batch, TT = s.time, F = s.features;
  Tensor dx = Tensor::empty({N, TT, F}, dx_steps.dtype());
  const T* src = dx_steps.data<T>();
  const T* pd = drop.defined() ? drop.data<T>() : nullptr;
  T* dst = dx.data<T>();
  for (int64_t step = 0; step < TT; ++step)
    for (int64_t n = 0; n < N; ++n) {
      const T* from = src + (step * N + n) * F;
      T* to = dst + (n * TT + s.time_at(step)) * F;
      for (int64_t f = 0; f < F; ++f) to[f] = pd ? from[f] * pd[n * F + f] : from[f];
    }
  return dx;
}

template <class T>
std::vector<Tensor> backward_typed(const SequenceTape& tp, const Tensor& grad_packed, const std::vector<bool>& wanted) {
  using kernels::RnnCell;
  const SequenceSpec& s = tp.spec;
  const int64_t N = s.batch, TT = s.time, F = s.features, U = s.units, GU = s.gates() * U;
  const int64_t SW = kernels::rnn_saved_width(s.cell) * U, E = s.extra_rows();
  const DType dt = tp.saved.dtype();
  const bool lstm = s.cell == RnnCell::lstm, gru = s.cell == RnnCell::gru;

  const Tensor g = grad_packed.contiguous();
  const T* gp = g.data<T>();
  const int64_t g_stride = (TT + E) * U;
  // dh holds dL/dh at the current step; the step kernel writes the direct part of
  // dL/dh_{t-1} into dh_prev, the recurrent GEMM adds the rest, and they swap.
  Tensor dh = Tensor::empty({N, U}, dt), dc = Tensor::empty({N, U}, dt);
  Tensor dh_prev = Tensor::empty({N, U}, dt);
  std::vector<T> carry(static_cast<size_t>(N * U), T(0));  // gradient of the previous output
  T* pdc = dc.data<T>();
  for (int64_t n = 0; n < N; ++n) {
    std::memcpy(dh.data<T>() + n * U, gp + n * g_stride + TT * U, sizeof(T) * U);
    if (lstm) std::memcpy(pdc + n * U, gp + n * g_stride + (TT + 1) * U, sizeof(T) * U);
  }
  Tensor dpre = Tensor::empty({TT * N, GU}, dt);
  Tensor dpre_rec = gru ? Tensor::empty({TT * N, GU}, dt) : dpre;
  const Tensor rk_t = transposed<T>(tp.recurrent_kernel);  // (GU, U)
  const T* mask = tp.mask.defined() ? tp.mask.data<T>() : nullptr;
  const T* rdrop = tp.recurrent_dropout.defined() ? tp.recurrent_dropout.data<T>() : nullptr;
  const T* hs = tp.h_states.data<T>();
  const T* cs = lstm ? tp.c_states.data<T>() : nullptr;
  const auto& step_kernel = *kernels::rnn_step_backward_slot<T>().select();

  for (int64_t step = TT - 1; step >= 0; --step) {
    const int64_t t = s.time_at(step);
    T* pdh = dh.data<T>();
    // The output at this step is h (kept row) or the previous output (masked row).
    for (int64_t n = 0; n < N; ++n) {
      const T* gout = gp + n * g_stride + step * U;
      T* d = pdh + n * U;
      if (mask == nullptr) {
        for (int64_t u = 0; u < U; ++u) d[u] += gout[u];
        continue;
      }
      T* cr = carry.data() + n * U;
      const bool kept = mask[n * TT + t] != T(0);
      for (int64_t u = 0; u < U; ++u) {
        const T v = gout[u] + cr[u];
        if (kept) {
          d[u] += v;
          cr[u] = T(0);
        } else {
          cr[u] = v;
        }
      }
    }
    kernels::RnnStepBackward<T> a;
    a.batch = N;
    a.units = U;
    a.activation = s.activation;
    a.recurrent_activation = s.recurrent_activation;
    a.mask = mask ? mask + t : nullptr;
    a.mask_stride = TT;
    a.saved = tp.saved.data<T>() + step * N * SW;
    a.saved_stride = SW;
    a.h_prev = hs + step * N * U;
    a.c_prev = lstm ? cs + step * N * U : nullptr;
    a.dh = pdh;
    a.dc = lstm ? pdc : nullptr;
    a.dh_prev = dh_prev.data<T>();
    a.dpre = dpre.data<T>() + step * N * GU;
    a.dpre_stride = GU;
    a.dpre_rec = dpre_rec.data<T>() + step * N * GU;
    a.dpre_rec_stride = GU;
    step_kernel(s.cell, a);
    // dh_{t-1} = direct part + (dpre_rec @ R^T) * recurrent dropout.
    const T* dpr = dpre_rec.data<T>() + step * N * GU;
    if (rdrop) {
      step_gemm(N, U, GU, dpr, GU, rk_t.data<T>(), U, T(0), pdh, U);
      const T* direct = dh_prev.data<T>();
      for (int64_t k = 0; k < N * U; ++k) pdh[k] = direct[k] + pdh[k] * rdrop[k];
    } else {
      step_gemm(N, U, GU, dpr, GU, rk_t.data<T>(), U, T(1), dh_prev.data<T>(), U);
      std::swap(dh, dh_prev);
    }
  }

  std::vector<Tensor> grads(lstm ? 6 : 5);
  if (wanted[0]) {  // dx = (dpre @ K^T) * input dropout
    Tensor dx_steps = Tensor::empty({TT, N, F}, dt);
    kernels::gemm(false, true, TT * N, F, GU, T(1), dpre.data<T>(), GU, tp.kernel.data<T>(), GU, T(0),
                  dx_steps.data<T>(), std::max<int64_t>(F, 1));
    grads[0] = dx_from_steps<T>(s, dx_steps, tp.input_dropout);
  }
  if (wanted[1]) {
    Tensor dk = Tensor::empty({F, GU}, dt);
    kernels::gemm(true, false, F, GU, TT * N, T(1), tp.x_steps.data<T>(), std::max<int64_t>(F, 1), dpre.data<T>(), GU,
                  T(0), dk.data<T>(), GU);
    grads[1] = dk;
  }
  if (wanted[2]) {
    Tensor drk = Tensor::empty({U, GU}, dt);
    kernels::gemm(true, false, U, GU, TT * N, T(1), tp.h_dropped.data<T>(), U, dpre_rec.data<T>(), GU, T(0),
                  drk.data<T>(), GU);
    grads[2] = drk;
  }
  if (wanted[3] && tp.has_bias) {
    Tensor db = gru ? Tensor::empty({2, GU}, dt) : Tensor::empty({GU}, dt);
    column_sums(dpre.data<T>(), TT * N, GU, db.data<T>());
    if (gru) column_sums(dpre_rec.data<T>(), TT * N, GU, db.data<T>() + GU);
    grads[3] = db;
  }
  if (wanted[4]) grads[4] = dh;
  if (lstm && wanted[5]) grads[5] = dc;
  return grads;
}

}  // namespace

std::vector<Tensor> run_sequence_backward(const SequenceTape& tape, const Tensor& grad_packed,
                                          const std::vector<bool>& wanted) {
  return dispatch_floating("recurrent backward", tape.saved.dtype(),
                           [&](auto tag) { return backward_typed<decltype(tag)>(tape, grad_packed, wanted); });
}

}  // namespace deepfin::detail
