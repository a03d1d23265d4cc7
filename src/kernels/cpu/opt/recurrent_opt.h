#pragma once
// Optimized float32 kernels for one recurrent time step: the reference row math
// with a branch-free, vectorizable exp behind sigmoid and tanh, and batch rows
// spread over threads when the step is big enough (worth_parallel).
#include "kernels/recurrent_slots.h"

namespace deepfin::kernels::opt {

void rnn_step_forward(RnnCell cell, const RnnStepForward<float>& a);
void rnn_step_backward(RnnCell cell, const RnnStepBackward<float>& a);

// exp(x) for float, within ~2 ulp over the float range; exposed for tests.
void fast_exp(const float* x, float* y, int64_t n);

}  // namespace deepfin::kernels::opt
