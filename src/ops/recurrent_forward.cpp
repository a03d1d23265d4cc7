// Forward through time for the fused recurrent ops (see recurrent_internal.h).
#include <cstring>

#include "kernels/gemm.h"
#include "ops/recurrent_internal.h"
#include "ops/recurrent_step_gemm.h"

namespace deepfin::detail {
namespace {

// Copies `row` (width values) into each of `rows` rows of `dst`.
template <class T>
void fill_rows(T* dst, const T* row, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; ++r) std::memcpy(dst + r * width, row, sizeof(T) * width);
}

// (T, N, F) in processing order: x at time time_at(step), times the input dropout mask.
template <class T>
Tensor x_in_steps(const SequenceSpec& s, const Tensor& x, const Tensor& drop) {
  const int64_t N = s.batch, TT = s.time, F = s.features;
  Tensor out = Tensor::empty({TT, N, F}, x.dtype());
  const T* px = x.data<T>();
  const T* pd = drop.defined() ? drop.data<T>() : nullptr;
  T* po = out.data<T>();
  for (int64_t step = 0; step < TT; ++step)
    for (int64_t n = 0; n < N; ++n) {
      const T* src = px + (n * TT + s.time_at(step)) * F;
      T* dst = po + (step * N + n) * F;
      if (pd)
        for (int64_t f = 0; f < F; ++f) dst[f] = src[f] * pd[n * F + f];
      else
        std::memcpy(dst, src, sizeof(T) * F);
    }
  return out;
}

template <class T>
void copy_or_zero(T* dst, const Tensor& src, int64_t count) {
  if (src.defined())
    std::memcpy(dst, src.data<T>(), sizeof(T) * count);
  else
    std::memset(dst, 0, sizeof(T) * count);
}

template <class T>
Tensor forward_typed(const SequenceSpec& s, const SequenceInputs& in, SequenceTape* tape) {
  using kernels::RnnCell;
  const int64_t N = s.batch, TT = s.time, F = s.features, U = s.units, GU = s.gates() * U;
  const int64_t SW = kernels::rnn_saved_width(s.cell) * U, E = s.extra_rows();
  const DType dt = in.x.dtype();
  const bool lstm = s.cell == RnnCell::lstm, gru = s.cell == RnnCell::gru;

  // All steps' input projections in one GEMM, bias preloaded (row 0 of GRU's bias).
  const Tensor xs = x_in_steps<T>(s, in.x, in.input_dropout);
  Tensor pre = Tensor::empty({TT * N, GU}, dt);
  if (in.bias.defined()) fill_rows(pre.data<T>(), in.bias.data<T>(), TT * N, GU);
  kernels::gemm(false, false, TT * N, GU, F, T(1), xs.data<T>(), std::max<int64_t>(F, 1), in.kernel.data<T>(), GU,
                in.bias.defined() ? T(1) : T(0), pre.data<T>(), GU);

  Tensor packed = Tensor::empty({N, TT + E, U}, dt);
  Tensor h_states = Tensor::empty({TT + 1, N, U}, dt);
  Tensor c_states = lstm ? Tensor::empty({TT + 1, N, U}, dt) : Tensor();
  // Inference keeps one step's saved values (the kernel's scratch); training all of them.
  Tensor saved = Tensor::empty({tape ? TT : 1, N, SW}, dt);
  const T* rdrop = in.recurrent_dropout.defined() ? in.recurrent_dropout.data<T>() : nullptr;
  Tensor h_dropped = rdrop ? Tensor::empty({TT, N, U}, dt) : h_states;
  Tensor rec = Tensor::empty({N, GU}, dt);
  T* hs = h_states.data<T>();
  T* cs = lstm ? c_states.data<T>() : nullptr;
  copy_or_zero(hs, in.h0, N * U);
  if (lstm) copy_or_zero(cs, in.c0, N * U);
  const T* rec_bias = gru && in.bias.defined() ? in.bias.data<T>() + GU : nullptr;
  T* out = packed.data<T>();
  const int64_t out_stride = (TT + E) * U;
  const auto& step_kernel = *kernels::rnn_step_forward_slot<T>().select();

  for (int64_t step = 0; step < TT; ++step) {
    const int64_t t = s.time_at(step);
    const T* h_prev = hs + step * N * U;
    T* hd = h_dropped.data<T>() + step * N * U;
    if (rdrop)
      for (int64_t k = 0; k < N * U; ++k) hd[k] = h_prev[k] * rdrop[k];
    if (rec_bias) fill_rows(rec.data<T>(), rec_bias, N, GU);
    step_gemm(N, GU, U, hd, U, in.recurrent_kernel.data<T>(), GU, rec_bias ? T(1) : T(0), rec.data<T>(), GU);
    kernels::RnnStepForward<T> a;
    a.batch = N;
    a.units = U;
    a.activation = s.activation;
    a.recurrent_activation = s.recurrent_activation;
    a.pre = pre.data<T>() + step * N * GU;
    a.pre_stride = GU;
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
    a.saved = saved.data<T>() + (tape ? step * N * SW : 0);
    a.saved_stride = SW;
    step_kernel(s.cell, a);
  }
  for (int64_t n = 0; n < N; ++n) {
    std::memcpy(out + n * out_stride + TT * U, hs + (TT * N + n) * U, sizeof(T) * U);
    if (lstm) std::memcpy(out + n * out_stride + (TT + 1) * U, cs + (TT * N + n) * U, sizeof(T) * U);
  }
  if (tape) {
    tape->spec = s;
    tape->x_steps = xs;
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

}  // namespace deepfin::detail
