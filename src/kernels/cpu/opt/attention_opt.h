#pragma once
// Optimized float32 attention kernels (see kernels/attention_slots.h): keys in
// blocks of kAttentionKeyBlock with the online-softmax recurrence, so forward
// and backward hold one block of scores per row, never a (Tq, Tk) matrix.
// Inner loops run over a packed, transposed key block (vectorized); pairs
// (batch, head) are spread over threads when the work is worth it.
#include <cstdint>

#include "kernels/attention_slots.h"

namespace deepfin::kernels::opt {

inline constexpr int64_t kAttentionKeyBlock = 64;

void attention_forward(const AttentionArgs<float>& a, float* out, float* lse, float* probs);
void attention_backward(const AttentionArgs<float>& a, const float* out, const float* lse, const float* dout, float* dq,
                        float* dk, float* dv);

}  // namespace deepfin::kernels::opt
