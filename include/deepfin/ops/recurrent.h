#pragma once
// Fused recurrent sequence ops: SimpleRNN, LSTM and GRU over a whole sequence as
// ONE op with a hand-written backward through time (no per-step tape).
//
// Keras semantics and weight layout (docs/recurrent_layout.md maps them to PyTorch):
//   x (N, T, F); kernel (F, G*U); recurrent_kernel (U, G*U); G = 1 (SimpleRNN),
//   4 (LSTM, gates [i, f, c, o]), 3 (GRU, gates [z, r, h], reset_after = true).
//   bias (G*U) for SimpleRNN/LSTM; (2, 3U) for GRU = [input bias; recurrent bias].
//   An undefined bias means use_bias = false.
//
// Masking (Keras's rule, backend.rnn with zero_output_for_mask = false): a step
// whose mask is 0 leaves the state (h, c) unchanged and its output repeats the
// previous step's output (zeros before the first kept step). So last_h is the
// state after the last kept step, and the sequence holds, at a masked step, the
// output of the latest kept step before it.
//
// Dropout masks are multiplicative and already scaled (0 or 1 / (1 - rate));
// the same mask is used at every step, as Keras does: input_dropout (N, F)
// multiplies x_t, recurrent_dropout (N, U) multiplies h_{t-1} in the recurrent
// product only (GRU's z * h_{t-1} uses the undropped state, as in Keras).
//
// go_backwards processes time T-1 .. 0; the sequence is in processing order.
// Every output is differentiable w.r.t. x, the weights, h0 and c0; masks and
// dropout masks are constants. float32 and float64.
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin {

struct RecurrentOptions {
  std::string activation = "tanh";               // candidate/output activation: tanh | relu | sigmoid | linear
  std::string recurrent_activation = "sigmoid";  // gates (LSTM, GRU)
  bool go_backwards = false;
};

struct RecurrentResult {
  Tensor sequence;  // (N, T, U), processing order
  Tensor last_h;    // (N, U)
  Tensor last_c;    // (N, U), LSTM only
};

// h0 / c0: (N, U) or undefined (zeros). mask: (N, T), nonzero = keep, any dtype, or undefined.
RecurrentResult simple_rnn(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                           const Tensor& h0 = {}, const Tensor& mask = {}, const Tensor& input_dropout = {},
                           const Tensor& recurrent_dropout = {}, const RecurrentOptions& o = {});
RecurrentResult lstm(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                     const Tensor& h0 = {}, const Tensor& c0 = {}, const Tensor& mask = {},
                     const Tensor& input_dropout = {}, const Tensor& recurrent_dropout = {},
                     const RecurrentOptions& o = {});
RecurrentResult gru(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                    const Tensor& h0 = {}, const Tensor& mask = {}, const Tensor& input_dropout = {},
                    const Tensor& recurrent_dropout = {}, const RecurrentOptions& o = {});

// PyTorch single-layer nn.RNN / nn.LSTM / nn.GRU parameters -> Keras layout.
enum class RecurrentKind { simple_rnn, lstm, gru };
struct KerasRecurrentWeights {
  Tensor kernel;            // weight_ih^T, gate blocks in Keras order
  Tensor recurrent_kernel;  // weight_hh^T
  Tensor bias;              // b_ih + b_hh (SimpleRNN, LSTM); [b_ih; b_hh] (2, 3U) for GRU
};
// weight_ih (G*U, F), weight_hh (G*U, U), bias_ih / bias_hh (G*U). Differentiable
// (transposes, block slices, concat), so torch-layout gradients flow back.
KerasRecurrentWeights keras_weights_from_torch(RecurrentKind kind, const Tensor& weight_ih, const Tensor& weight_hh,
                                               const Tensor& bias_ih, const Tensor& bias_hh);

}  // namespace deepfin
