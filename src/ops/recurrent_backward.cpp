// Backward through time for the fused recurrent ops (see recurrent_internal.h).
#include <cstring>

#include "kernels/gemm.h"
#include "ops/recurrent_internal.h"

namespace deepfin::ops::detail {
namespace {

// out[j] = sum over rows of m[r * width + j].
template <class T>
void column_sums(const T* m, int64_t rows, int64_t width, T* out) {
  std::memset(out, 0, sizeof(T) * width);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < width; ++j) out[j] += m[r * width + j];
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
  Tensor dh = Tensor::empty({N, U}, dt), dc = Tensor::empty({N, U}, dt);
  Tensor dh_prev = Tensor::empty({N, U}, dt), through_gemm = Tensor::empty({N, U}, dt);
  std::vector<T> carry(static_cast<size_t>(N * U), T(0));  // gradient of the previous output
  T *pdh = dh.data<T>(), *pdc = dc.data<T>();
  for (int64_t n = 0; n < N; ++n) {
    std::memcpy(pdh + n * U, gp + n * g_stride + TT * U, sizeof(T) * U);
    if (lstm) std::memcpy(pdc + n * U, gp + n * g_stride + (TT + 1) * U, sizeof(T) * U);
  }
  Tensor dpre = Tensor::empty({N * TT, GU}, dt);
  Tensor dpre_rec = gru ? Tensor::empty({N * TT, GU}, dt) : dpre;
  const T* mask = tp.mask.defined() ? tp.mask.data<T>() : nullptr;
  const T* rdrop = tp.recurrent_dropout.defined() ? tp.recurrent_dropout.data<T>() : nullptr;
  const T* hs = tp.h_states.data<T>();
  const T* cs = lstm ? tp.c_states.data<T>() : nullptr;
  const auto& step_kernel = *kernels::rnn_step_backward_slot<T>().select();

  for (int64_t step = TT - 1; step >= 0; --step) {
    const int64_t t = s.time_at(step);
    // The output at this step is h (kept row) or the previous output (masked row).
    for (int64_t n = 0; n < N; ++n) {
      const bool kept = mask == nullptr || mask[n * TT + t] != T(0);
      const T* gout = gp + n * g_stride + step * U;
      T* cr = carry.data() + n * U;
      for (int64_t u = 0; u < U; ++u) {
        const T d = gout[u] + cr[u];
        if (kept) {
          pdh[n * U + u] += d;
          cr[u] = T(0);
        } else {
          cr[u] = d;
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
    a.saved = tp.saved.data<T>() + t * SW;
    a.saved_stride = TT * SW;
    a.h_prev = hs + step * N * U;
    a.c_prev = lstm ? cs + step * N * U : nullptr;
    a.dh = pdh;
    a.dc = lstm ? pdc : nullptr;
    a.dh_prev = dh_prev.data<T>();
    a.dpre = dpre.data<T>() + t * GU;
    a.dpre_stride = TT * GU;
    a.dpre_rec = dpre_rec.data<T>() + t * GU;
    a.dpre_rec_stride = TT * GU;
    step_kernel(s.cell, a);
    // dh_{t-1} = direct part + (dpre_rec @ R^T) * recurrent dropout.
    kernels::gemm(false, true, N, U, GU, T(1), dpre_rec.data<T>() + t * GU, TT * GU, tp.recurrent_kernel.data<T>(), GU,
                  T(0), through_gemm.data<T>(), U);
    const T *direct = dh_prev.data<T>(), *tg = through_gemm.data<T>();
    for (int64_t k = 0; k < N * U; ++k) pdh[k] = direct[k] + (rdrop ? tg[k] * rdrop[k] : tg[k]);
  }

  std::vector<Tensor> grads(lstm ? 6 : 5);
  if (wanted[0]) {  // dx = (dpre @ K^T) * input dropout
    Tensor dx = Tensor::empty({N, TT, F}, dt);
    kernels::gemm(false, true, N * TT, F, GU, T(1), dpre.data<T>(), GU, tp.kernel.data<T>(), GU, T(0), dx.data<T>(),
                  std::max<int64_t>(F, 1));
    if (tp.input_dropout.defined()) {
      T* px = dx.data<T>();
      const T* drop = tp.input_dropout.data<T>();
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < TT * F; ++k) px[n * TT * F + k] *= drop[n * F + k % F];
    }
    grads[0] = dx;
  }
  if (wanted[1]) {
    Tensor dk = Tensor::empty({F, GU}, dt);
    kernels::gemm(true, false, F, GU, N * TT, T(1), tp.x_dropped.data<T>(), std::max<int64_t>(F, 1), dpre.data<T>(), GU,
                  T(0), dk.data<T>(), GU);
    grads[1] = dk;
  }
  if (wanted[2]) {
    Tensor drk = Tensor::empty({U, GU}, dt);
    kernels::gemm(true, false, U, GU, N * TT, T(1), tp.h_dropped.data<T>(), U, dpre_rec.data<T>(), GU, T(0),
                  drk.data<T>(), GU);
    grads[2] = drk;
  }
  if (wanted[3] && tp.has_bias) {
    Tensor db = gru ? Tensor::empty({2, GU}, dt) : Tensor::empty({GU}, dt);
    column_sums(dpre.data<T>(), N * TT, GU, db.data<T>());
    if (gru) column_sums(dpre_rec.data<T>(), N * TT, GU, db.data<T>() + GU);
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

}  // namespace deepfin::ops::detail
