#pragma once
// The engine behind deepfin::simple_rnn / lstm / gru: a forward that runs the whole
// sequence (one input GEMM, then per step a recurrent GEMM and the fused step
// kernel) and keeps what backward needs in a SequenceTape, and the backward
// through time (per step in reverse: gate-gradient kernel and recurrent GEMM;
// then one GEMM each for dKernel, dRecurrentKernel and dX).
//
// The op returns one packed tensor (N, T + E, U) = [sequence, last_h, (last_c)]
// and hands out views of it, so gradients from all outputs reach one node.
#include <cstdint>

#include "deepfin/core/tensor.h"
#include "kernels/recurrent_slots.h"

namespace deepfin::detail {

struct SequenceSpec {
  kernels::RnnCell cell = kernels::RnnCell::simple;
  int64_t batch = 0, time = 0, features = 0, units = 0;
  kernels::RnnActivation activation = kernels::RnnActivation::tanh;
  kernels::RnnActivation recurrent_activation = kernels::RnnActivation::sigmoid;
  bool go_backwards = false;

  int64_t gates() const { return kernels::rnn_gate_count(cell); }
  int64_t extra_rows() const { return cell == kernels::RnnCell::lstm ? 2 : 1; }  // last_h (, last_c)
  int64_t time_at(int64_t step) const { return go_backwards ? time - 1 - step : step; }
};

// Detached, contiguous tensors of the op's dtype; undefined where absent.
struct SequenceInputs {
  Tensor x, kernel, recurrent_kernel, bias, h0, c0, mask, input_dropout, recurrent_dropout;
};

// Every per-step buffer is step-major (processing order, then batch row), so a
// step reads and writes one contiguous block and the time-wide GEMMs of
// backward see matching rows.
struct SequenceTape {
  SequenceSpec spec;
  Tensor x_steps;  // (T, N, F): x at each step times the input dropout mask
  Tensor kernel, recurrent_kernel;
  Tensor mask, input_dropout, recurrent_dropout;
  Tensor saved;      // (T, N, S*U): per-step values of the step kernel
  Tensor h_dropped;  // rows [step * N, (step + 1) * N): the recurrent GEMM's input
                     // at each step; h_states itself without recurrent dropout
  Tensor h_states;   // (T+1, N, U): states in processing order, [0] = h0
  Tensor c_states;   // LSTM
  bool has_bias = false;
};

// Runs the sequence; fills `tape` (unless null) and returns the packed output.
Tensor run_sequence_forward(const SequenceSpec& spec, const SequenceInputs& in, SequenceTape* tape);

// Gradients of the packed output: [x, kernel, recurrent_kernel, bias, h0, c0]
// (c0 only for LSTM). `wanted[i]` false skips input i (left undefined).
std::vector<Tensor> run_sequence_backward(const SequenceTape& tape, const Tensor& grad_packed,
                                          const std::vector<bool>& wanted);

}  // namespace deepfin::detail
