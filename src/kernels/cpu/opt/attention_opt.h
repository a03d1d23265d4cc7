#pragma once
// Optimized float32 attention kernels (see kernels/attention_slots.h): tiles of
// kAttentionQueryBlock queries x kAttentionKeyBlock keys, the tile products on
// the GEMM seam, the online-softmax recurrence in forward and the probabilities
// recomputed from the saved log-sum-exp in backward. Scratch is three tiles per
// thread (kept between calls), whatever the sequence length; pairs (batch,
// head) are spread over threads when the work is worth it. Pairs too small for
// GEMM calls to pay (Tq·Tk·(Dk+Dv) < 2048) and the scores-returning forward
// run the reference loops.
#include <cstdint>

#include "kernels/attention_slots.h"

namespace deepfin::kernels::opt {

inline constexpr int64_t kAttentionQueryBlock = 128;
inline constexpr int64_t kAttentionKeyBlock = 128;

void attention_forward(const AttentionArgs<float>& a, float* out, float* lse, float* probs);
void attention_backward(const AttentionArgs<float>& a, const float* out, const float* lse, const float* dout, float* dq,
                        float* dk, float* dv);

}  // namespace deepfin::kernels::opt
