#pragma once
// Optimized float32 epilogue kernels: one vectorized pass per block of 8192
// elements (hash, activation and residual together), blocks spread over threads.
#include "kernels/fused_dropout_slots.h"

namespace deepfin::kernels::opt {

void epilogue_forward(const EpilogueForward<float>& a);
void epilogue_backward(const EpilogueBackward<float>& a);

// erf(x) for float within 5e-7 absolute, vectorizable; exposed for tests.
float erf_approx(float x);

}  // namespace deepfin::kernels::opt
