// Forward through time for the fused recurrent ops (see recurrent_internal.h).
#include <cstring>

#include "kernels/gemm.h"
#include "ops/recurrent_internal.h"

namespace deepfin::ops::detail {
namespace {

// Copies `row` (width values) into each of `rows` rows of `dst`.
template <class T>
void fill_rows(T* dst, const T* row, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; ++r) std::memcpy(dst + r * width, row, sizeof(T) * width);
}

template <class T>
Tensor x_times_dropout(const SequenceSpec& s, const Tensor& x, const Tensor& drop) {
  if (!drop.defined()) return x;
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const T *px = x.data<T>(), *pd = drop.data<T>();
  T* po = out.data<T>();
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t t = 0; t < s.time; ++t)
      for (int64_t f = 0; f < s.features; ++f) {
        const int64_t i = (n * s.time + t) * s.features + f;
        po[i] = px[i] * pd[n * s.features + f];
      }
  return out;
}

template <class T>
Tensor forward_typed(const SequenceSpec& s, const SequenceInputs& in, SequenceTape* tape) {
  using kernels::RnnCell;
  const int64_t N = s.batch, TT = s.time, F = s.features, U = s.units, GU = s.gates() * U;
  const int64_t SW = kernels::rnn_saved_width(s.cell) * U, E = s.extra_rows();
  const DType dt = in.x.dtype();
  const bool lstm = s.cell == RnnCell::lstm, gru = s.cell == RnnCell::gru;

  // All timesteps' input projections in one GEMM, bias preloaded (row 0 of GRU's bias).
  const Tensor xd = x_times_dropout<T>(s, in.x, in.input_dropout);
  Tensor pre = Tensor::empty({N * TT, GU}, dt);
  if (in.bias.defined()) fill_rows(pre.data<T>(), in.bias.data<T>(), N * TT, GU);
  kernels::gemm(false, false, N * TT, GU, F, T(1), xd.data<T>(), std::max<int64_t>(F, 1), in.kernel.data<T>(), GU,
                in.bias.defined() ? T(1) : T(0), pre.data<T>(), GU);

  Tensor packed = Tensor::empty({N, TT + E, U}, dt);
  Tensor h_states = Tensor::empty({TT + 1, N, U}, dt);
  Tensor c_states = lstm ? Tensor::empty({TT + 1, N, U}, dt) : Tensor();
  Tensor saved = Tensor::empty({N, TT, SW}, dt);
  Tensor h_dropped = Tensor::empty({N, TT, U}, dt);
  Tensor rec = Tensor::empty({N, GU}, dt);
  T* hs = h_states.data<T>();
  T* cs = lstm ? c_states.data<T>() : nullptr;
  if (in.h0.defined())
    std::memcpy(hs, in.h0.data<T>(), sizeof(T) * N * U);
  else
    std::memset(hs, 0, sizeof(T) * N * U);
  if (lstm) {
    if (in.c0.defined())
      std::memcpy(cs, in.c0.data<T>(), sizeof(T) * N * U);
    else
      std::memset(cs, 0, sizeof(T) * N * U);
  }
  const T* rdrop = in.recurrent_dropout.defined() ? in.recurrent_dropout.data<T>() : nullptr;
  const T* rec_bias = gru && in.bias.defined() ? in.bias.data<T>() + GU : nullptr;
  T* out = packed.data<T>();
  const int64_t out_stride = (TT + E) * U;
  const auto& step_kernel = *kernels::rnn_step_forward_slot<T>().select();

  for (int64_t step = 0; step < TT; ++step) {
    const int64_t t = s.time_at(step);
    const T* h_prev = hs + step * N * U;
    T* hd = h_dropped.data<T>() + t * U;  // row n at n * TT * U
    for (int64_t n = 0; n < N; ++n)
      for (int64_t u = 0; u < U; ++u)
        hd[n * TT * U + u] = rdrop ? h_prev[n * U + u] * rdrop[n * U + u] : h_prev[n * U + u];
    if (rec_bias) fill_rows(rec.data<T>(), rec_bias, N, GU);
    kernels::gemm(false, false, N, GU, U, T(1), hd, TT * U, in.recurrent_kernel.data<T>(), GU, rec_bias ? T(1) : T(0),
                  rec.data<T>(), GU);
    kernels::RnnStepForward<T> a;
    a.batch = N;
    a.units = U;
    a.activation = s.activation;
    a.recurrent_activation = s.recurrent_activation;
    a.pre = pre.data<T>() + t * GU;
    a.pre_stride = TT * GU;
    a.rec = rec.data<T>();
    a.mask = in.mask.defined() ? in.mask.data<T>() + t : nullptr;
    a.mask_stride = TT;
    a.h_prev = h_prev;
    a.h = hs + (step + 1) * N * U;
    a.c_prev = lstm ? cs + step * N * U : nullptr;
    a.c = lstm ? cs + (step + 1) * N * U : nullptr;
    a.out_prev = step > 0 ? out + (step - 1) * U : nullptr;
    a.out_prev_stride = out_stride;
    a.out = out + step * U;
    a.out_stride = out_stride;
    a.saved = saved.data<T>() + t * SW;
    a.saved_stride = TT * SW;
    step_kernel(s.cell, a);
  }
  for (int64_t n = 0; n < N; ++n) {
    std::memcpy(out + n * out_stride + TT * U, hs + (TT * N + n) * U, sizeof(T) * U);
    if (lstm) std::memcpy(out + n * out_stride + (TT + 1) * U, cs + (TT * N + n) * U, sizeof(T) * U);
  }
  if (tape) {
    tape->spec = s;
    tape->x_dropped = xd;
    tape->kernel = in.kernel;
    tape->recurrent_kernel = in.recurrent_kernel;
    tape->mask = in.mask;
    tape->input_dropout = in.input_dropout;
    tape->recurrent_dropout = in.recurrent_dropout;
    tape->saved = saved;
    tape->h_dropped = h_dropped;
    tape->h_states = h_states;
    tape->c_states = c_states;
    tape->has_bias = in.bias.defined();
  }
  return packed;
}

}  // namespace

Tensor run_sequence_forward(const SequenceSpec& spec, const SequenceInputs& in, SequenceTape* tape) {
  return dispatch_floating("recurrent", in.x.dtype(),
                           [&](auto tag) { return forward_typed<decltype(tag)>(spec, in, tape); });
}

}  // namespace deepfin::ops::detail
