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

// Where the (B, H, T, D) operands live: element (b, h, t, d) at
// b * batch + h * head + t * row + d (the depth axis is always contiguous).
// row == 0 means contiguous (B, H, T, D). A (B, T, H, D) buffer seen as
// (B, H, T, D), which is how MultiHeadAttention's projections come out, is
// {T * H * D, D, H * D}: the kernels read and write it in place, no copies.
struct AttentionLayout {
  int64_t batch = 0, head = 0, row = 0;
  int64_t at(int64_t b, int64_t h) const { return b * batch + h * head; }
};

template <class T>
struct AttentionArgs {
  int64_t batch = 0, heads = 0, tq = 0, tk = 0, dk = 0, dv = 0;
  T scale = T(1);
  bool causal = false;   // key j is visible to query i only when j <= i
  double dropout = 0.0;  // rate on the probabilities; 0 = none
  uint64_t seed = 0;     // dropout hash seed
  // (B, H, T, D) in the layouts below; dq, dk, dv are written in the layouts of
  // q, k, v, and out in o_layout (dout: g_layout).
  const T* q = nullptr;
  const T* k = nullptr;
  const T* v = nullptr;
  AttentionLayout q_layout{}, k_layout{}, v_layout{}, o_layout{}, g_layout{};
  // Optional mask, nonzero = attend, addressed as mask[b*s0 + h*s1 + i*s2 + j*s3]
  // (stride 0 on broadcast axes).
  const T* mask = nullptr;
  int64_t mask_strides[4] = {0, 0, 0, 0};

  AttentionLayout ql() const { return resolved(q_layout, tq, dk); }
  AttentionLayout kl() const { return resolved(k_layout, tk, dk); }
  AttentionLayout vl() const { return resolved(v_layout, tk, dv); }
  AttentionLayout ol() const { return resolved(o_layout, tq, dv); }
  AttentionLayout gl() const { return resolved(g_layout, tq, dv); }

 private:
  AttentionLayout resolved(const AttentionLayout& l, int64_t t, int64_t d) const {
    return l.row != 0 ? l : AttentionLayout{heads * t * d, t * d, d};
  }
};

// out (B, H, Tq, Dv) in o_layout, lse (B*H, Tq) contiguous. probs: null, or (B*H, Tq, Tk) to receive the
// softmax probabilities before dropout.
template <class T>
using AttentionForwardFn = void(const AttentionArgs<T>& a, T* out, T* lse, T* probs);

// out, lse: from forward; dout (B, H, Tq, Dv) in g_layout. Writes (overwrites) dq, dk, dv.
template <class T>
using AttentionBackwardFn = void(const AttentionArgs<T>& a, const T* out, const T* lse, const T* dout, T* dq, T* dk,
                                 T* dv);

template <class T>
const KernelSlot<AttentionForwardFn<T>>& attention_forward_slot();
template <class T>
const KernelSlot<AttentionBackwardFn<T>>& attention_backward_slot();

}  // namespace deepfin::kernels
