#pragma once
// Kernel slots for fused scaled-dot-product attention (ops/attention.h).
//
// Per (batch, head) pair: S = q kᵀ · scale, masked entries (mask value 0, or
// j > i when causal) get -inf, P = softmax(S) per row, O = (P ⊙ Z) v with Z the
// dropout factors (0 or 1 / (1 - rate)). Forward writes O and the per-row
// log-sum-exp L = log Σ_j exp(S_ij) (-inf for a fully masked row, whose output
// is 0). Backward recomputes P = exp(S - L) from q, k and L (FlashAttention):
//   dV = (P ⊙ Z)ᵀ dO,  dP = (dO vᵀ) ⊙ Z,  dS = P ⊙ (dP - rowsum(dO ⊙ O)),
//   dQ = dS k · scale,  dK = dSᵀ q · scale.
// Z is never stored: each element's keep/drop comes from a counter-based hash
// of (seed, b, h, i, j) (kernels/cpu/ref/attention_common.h), so forward and
// backward, reference and optimized kernels, draw the same decisions.
//
// The reference kernel (float, double) materializes one (Tq, Tk) block per
// head; the optimized float32 kernel walks keys in blocks with the online
// softmax and never holds more than a block of scores.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

template <class T>
struct AttentionArgs {
  int64_t batch = 0, heads = 0, tq = 0, tk = 0, dk = 0, dv = 0;
  T scale = T(1);
  bool causal = false;   // key j is visible to query i only when j <= i
  double dropout = 0.0;  // rate on the probabilities; 0 = none
  uint64_t seed = 0;     // dropout hash seed
  // Contiguous (batch * heads, T, D) row-major.
  const T* q = nullptr;
  const T* k = nullptr;
  const T* v = nullptr;
  // Optional mask, nonzero = attend, addressed as mask[b*s0 + h*s1 + i*s2 + j*s3]
  // (stride 0 on broadcast axes).
  const T* mask = nullptr;
  int64_t mask_strides[4] = {0, 0, 0, 0};
};

// out (B*H, Tq, Dv), lse (B*H, Tq). probs: null, or (B*H, Tq, Tk) to receive the
// softmax probabilities before dropout.
template <class T>
using AttentionForwardFn = void(const AttentionArgs<T>& a, T* out, T* lse, T* probs);

// out, lse: from forward; dout (B*H, Tq, Dv). Writes (overwrites) dq, dk, dv.
template <class T>
using AttentionBackwardFn = void(const AttentionArgs<T>& a, const T* out, const T* lse, const T* dout, T* dq, T* dk,
                                 T* dv);

template <class T>
const KernelSlot<AttentionForwardFn<T>>& attention_forward_slot();
template <class T>
const KernelSlot<AttentionBackwardFn<T>>& attention_backward_slot();

}  // namespace deepfin::kernels
