#pragma once
// The element-wise math of one recurrent step for one batch row, shared by the
// reference and optimized kernels. `Math` supplies the activations applied in
// place over a run of values (std:: functions in the reference, a vectorizable
// exp in the optimized kernel); derivatives are taken from the activation's
// output, which is what backward saved. Backward takes a `Deriv` policy: the
// reference picks the derivative at run time, the optimized kernel fixes the
// activations at compile time so the row loops have no branches and vectorize.
// Gate orders follow Keras: LSTM
// [i, f, c, o], GRU [z, r, h] with reset_after (r multiplies h R_h + b_rh).
#include <cstdint>

#include "kernels/recurrent_slots.h"

namespace deepfin::kernels::cell {

// d act(x) / dx written in terms of y = act(x).
template <class T>
inline T derivative_from_output(RnnActivation act, T y) {
  switch (act) {
    case RnnActivation::tanh:
      return T(1) - y * y;
    case RnnActivation::sigmoid:
      return y * (T(1) - y);
    case RnnActivation::relu:
      return y > T(0) ? T(1) : T(0);
    case RnnActivation::linear:
      break;
  }
  return T(1);
}

// Derivatives chosen at run time (reference kernels).
template <class T>
struct RuntimeDerivatives {
  RnnActivation act = RnnActivation::tanh, ract = RnnActivation::sigmoid;
  T act_d(T y) const { return derivative_from_output(act, y); }
  T ract_d(T y) const { return derivative_from_output(ract, y); }
};

// Derivatives fixed at compile time (optimized kernels): the switch folds away.
template <class T, RnnActivation Act, RnnActivation RAct>
struct FixedDerivatives {
  T act_d(T y) const { return derivative_from_output(Act, y); }
  T ract_d(T y) const { return derivative_from_output(RAct, y); }
};

template <class T>
inline bool row_kept(const T* mask, int64_t stride, int64_t row) {
  return mask == nullptr || mask[row * stride] != T(0);
}

// Forward of one row; the saved values double as scratch for the gates.
template <class T, class Math>
void forward_row(RnnCell cell, const RnnStepForward<T>& a, int64_t row) {
  const int64_t U = a.units, G = rnn_gate_count(cell);
  const T* h_prev = a.h_prev + row * U;
  T* h = a.h + row * U;
  T* out = a.out + row * a.out_stride;
  if (!row_kept(a.mask, a.mask_stride, row)) {
    const T* out_prev = a.out_prev ? a.out_prev + row * a.out_prev_stride : nullptr;
    for (int64_t u = 0; u < U; ++u) {
      h[u] = h_prev[u];
      out[u] = out_prev ? out_prev[u] : T(0);
    }
    if (cell == RnnCell::lstm)
      for (int64_t u = 0; u < U; ++u) a.c[row * U + u] = a.c_prev[row * U + u];
    return;
  }
  const T* pre = a.pre + row * a.pre_stride;
  const T* rec = a.rec + row * G * U;
  T* saved = a.saved + row * a.saved_stride;
  if (cell == RnnCell::simple) {
    for (int64_t u = 0; u < U; ++u) saved[u] = pre[u] + rec[u];
    Math::activate(a.activation, saved, U);
    for (int64_t u = 0; u < U; ++u) h[u] = out[u] = saved[u];
  } else if (cell == RnnCell::lstm) {
    for (int64_t k = 0; k < 4 * U; ++k) saved[k] = pre[k] + rec[k];
    Math::activate(a.recurrent_activation, saved, 2 * U);      // i, f
    Math::activate(a.activation, saved + 2 * U, U);            // candidate
    Math::activate(a.recurrent_activation, saved + 3 * U, U);  // o
    const T *i = saved, *f = saved + U, *g = saved + 2 * U;
    const T* c_prev = a.c_prev + row * U;
    T* c = a.c + row * U;
    T* act_c = saved + 4 * U;
    for (int64_t u = 0; u < U; ++u) act_c[u] = c[u] = f[u] * c_prev[u] + i[u] * g[u];
    Math::activate(a.activation, act_c, U);
    const T* o = saved + 3 * U;
    for (int64_t u = 0; u < U; ++u) h[u] = out[u] = o[u] * act_c[u];
  } else {
    T* zr = saved;  // z, r
    for (int64_t k = 0; k < 2 * U; ++k) zr[k] = pre[k] + rec[k];
    Math::activate(a.recurrent_activation, zr, 2 * U);
    const T* r = saved + U;
    T* hh = saved + 2 * U;
    T* rh = saved + 3 * U;
    for (int64_t u = 0; u < U; ++u) {
      rh[u] = rec[2 * U + u];
      hh[u] = pre[2 * U + u] + r[u] * rh[u];
    }
    Math::activate(a.activation, hh, U);
    for (int64_t u = 0; u < U; ++u) h[u] = out[u] = zr[u] * h_prev[u] + (T(1) - zr[u]) * hh[u];
  }
}

// Backward of one row.
template <class T, class Deriv>
void backward_row(RnnCell cell, const RnnStepBackward<T>& a, int64_t row, const Deriv& d) {
  const int64_t U = a.units, G = rnn_gate_count(cell);
  const T* dh = a.dh + row * U;
  T* dh_prev = a.dh_prev + row * U;
  T* dpre = a.dpre + row * a.dpre_stride;
  T* dpre_rec = cell == RnnCell::gru ? a.dpre_rec + row * a.dpre_rec_stride : dpre;
  if (!row_kept(a.mask, a.mask_stride, row)) {
    for (int64_t u = 0; u < U; ++u) dh_prev[u] = dh[u];
    for (int64_t k = 0; k < G * U; ++k) dpre[k] = T(0);
    if (cell == RnnCell::gru)
      for (int64_t k = 0; k < G * U; ++k) dpre_rec[k] = T(0);
    return;
  }
  const T* saved = a.saved + row * a.saved_stride;
  // The row buffers are distinct (dc is read and written at the same index), so
  // ivdep spares GCC the run-time alias checks that stop it vectorizing.
  if (cell == RnnCell::simple) {
#pragma GCC ivdep
    for (int64_t u = 0; u < U; ++u) {
      dpre[u] = dh[u] * d.act_d(saved[u]);
      dh_prev[u] = T(0);
    }
  } else if (cell == RnnCell::lstm) {
    const T *i = saved, *f = saved + U, *g = saved + 2 * U, *o = saved + 3 * U, *act_c = saved + 4 * U;
    const T* c_prev = a.c_prev + row * U;
    T* dc = a.dc + row * U;
#pragma GCC ivdep
    for (int64_t u = 0; u < U; ++u) {
      const T d_o = dh[u] * act_c[u];
      const T d_c = dc[u] + dh[u] * o[u] * d.act_d(act_c[u]);
      dpre[u] = d_c * g[u] * d.ract_d(i[u]);
      dpre[U + u] = d_c * c_prev[u] * d.ract_d(f[u]);
      dpre[2 * U + u] = d_c * i[u] * d.act_d(g[u]);
      dpre[3 * U + u] = d_o * d.ract_d(o[u]);
      dc[u] = d_c * f[u];
      dh_prev[u] = T(0);
    }
  } else {
    const T *z = saved, *r = saved + U, *hh = saved + 2 * U, *rh = saved + 3 * U;
    const T* h_prev = a.h_prev + row * U;
#pragma GCC ivdep
    for (int64_t u = 0; u < U; ++u) {
      const T d_z = dh[u] * (h_prev[u] - hh[u]);
      const T d_a = dh[u] * (T(1) - z[u]) * d.act_d(hh[u]);
      const T d_r = d_a * rh[u] * d.ract_d(r[u]);
      const T d_zp = d_z * d.ract_d(z[u]);
      dpre[u] = dpre_rec[u] = d_zp;
      dpre[U + u] = dpre_rec[U + u] = d_r;
      dpre[2 * U + u] = d_a;
      dpre_rec[2 * U + u] = d_a * r[u];
      dh_prev[u] = dh[u] * z[u];
    }
  }
}

template <class T>
void backward_row(RnnCell cell, const RnnStepBackward<T>& a, int64_t row) {
  backward_row(cell, a, row, RuntimeDerivatives<T>{a.activation, a.recurrent_activation});
}

}  // namespace deepfin::kernels::cell
