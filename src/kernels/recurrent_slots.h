#pragma once
// Kernel slots for the fused recurrent sequence ops (SimpleRNN, LSTM, GRU).
// The op runs the GEMMs (all timesteps' x @ kernel at once, then h @ recurrent
// kernel per step) through the GEMM seam; these kernels do the element-wise work
// of ONE time step for every batch row: gate activations and state update
// forward, gate gradients backward. A reference kernel (float, double) always
// exists; an optimized float32 kernel is registered over it.
//
// Per-row matrices are "row-strided": row r starts at base + r * stride, so a
// step can read and write its slice of (N, T, ...) buffers in place.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

enum class RnnActivation { tanh, sigmoid, relu, linear };

enum class RnnCell { simple, lstm, gru };

// Gates per cell (G): the pre-activation row width is G * units.
constexpr int64_t rnn_gate_count(RnnCell cell) {
  return cell == RnnCell::lstm ? 4 : cell == RnnCell::gru ? 3 : 1;
}
// Values each row saves per step for backward, in units: SimpleRNN [a],
// LSTM [i, f, g, o, act(c)], GRU [z, r, hh, rh] (rh = h_{t-1} R_h + b_rh).
constexpr int64_t rnn_saved_width(RnnCell cell) {
  return cell == RnnCell::lstm ? 5 : cell == RnnCell::gru ? 4 : 1;
}

// One forward step. pre = x_t @ kernel + input bias; rec = h_{t-1} @ recurrent
// kernel (+ recurrent bias for GRU). Masked rows (mask value 0) keep their state
// (h = h_prev, c = c_prev) and repeat the previous output (zeros when out_prev
// is null), as Keras does.
template <class T>
struct RnnStepForward {
  int64_t batch = 0, units = 0;
  RnnActivation activation = RnnActivation::tanh;
  RnnActivation recurrent_activation = RnnActivation::sigmoid;
  const T* pre = nullptr;
  int64_t pre_stride = 0;
  const T* rec = nullptr;   // (batch, G * units) contiguous
  const T* mask = nullptr;  // one value per row, or null (no masking)
  int64_t mask_stride = 0;
  const T* h_prev = nullptr;  // (batch, units) contiguous
  T* h = nullptr;
  const T* c_prev = nullptr;  // LSTM only
  T* c = nullptr;
  const T* out_prev = nullptr;  // null: zeros
  int64_t out_prev_stride = 0;
  T* out = nullptr;
  int64_t out_stride = 0;
  T* saved = nullptr;  // rnn_saved_width * units per row
  int64_t saved_stride = 0;
};

// One backward step. In: dh = dL/dh_t (outputs' gradient already added), dc =
// dL/dc_t (LSTM). Out: dpre (gradient of the input-side pre-activation),
// dpre_rec (of the recurrent product; the same buffer as dpre except for GRU),
// dh_prev = the part of dL/dh_{t-1} that does not go through the recurrent GEMM
// (the op adds dpre_rec @ R^T), and dc overwritten with dL/dc_{t-1}.
// Masked rows: dpre = dpre_rec = 0, dh_prev = dh, dc unchanged.
template <class T>
struct RnnStepBackward {
  int64_t batch = 0, units = 0;
  RnnActivation activation = RnnActivation::tanh;
  RnnActivation recurrent_activation = RnnActivation::sigmoid;
  const T* mask = nullptr;
  int64_t mask_stride = 0;
  const T* saved = nullptr;
  int64_t saved_stride = 0;
  const T* h_prev = nullptr;  // GRU: the state before the step (z * h_prev)
  const T* c_prev = nullptr;  // LSTM
  const T* dh = nullptr;      // (batch, units) contiguous
  T* dc = nullptr;            // LSTM, in/out
  T* dh_prev = nullptr;       // (batch, units) contiguous
  T* dpre = nullptr;
  int64_t dpre_stride = 0;
  T* dpre_rec = nullptr;  // GRU only (else ignored)
  int64_t dpre_rec_stride = 0;
};

template <class T>
using RnnStepForwardFn = void(RnnCell cell, const RnnStepForward<T>& a);
template <class T>
using RnnStepBackwardFn = void(RnnCell cell, const RnnStepBackward<T>& a);

template <class T>
const KernelSlot<RnnStepForwardFn<T>>& rnn_step_forward_slot();
template <class T>
const KernelSlot<RnnStepBackwardFn<T>>& rnn_step_backward_slot();

}  // namespace deepfin::kernels
