#pragma once
// Fused scaled-dot-product attention, memory-efficient (FlashAttention-style):
//   out = softmax(q kᵀ · scale + mask_bias) v,
// with q (B, H, Tq, Dk), k (B, H, Tk, Dk), v (B, H, Tk, Dv) -> out (B, H, Tq, Dv).
//
// Forward walks the keys in blocks with the online softmax and saves only the
// output and the per-row log-sum-exp (B, H, Tq); backward recomputes the
// probabilities block by block, so neither holds a (Tq, Tk) matrix per head.
//
// mask: undefined, or broadcastable to (B, H, Tq, Tk), any dtype, nonzero =
// attend. A key padding mask (B, 1, 1, Tk) is the common case. Masked scores
// get -inf; a row with no visible key outputs 0 (not NaN) and passes no
// gradient. causal: query i sees keys j <= i (top-left aligned when Tq != Tk,
// as Keras's use_causal_mask and torch's is_causal).
//
// dropout (training only) zeroes probabilities with that rate and scales the
// rest by 1 / (1 - rate); the decisions come from a hash of (a seed drawn from
// the default generator at forward time, b, h, i, j), so backward repeats them
// without storing a mask and a fixed set_random_seed repeats them run to run.
//
// Differentiable w.r.t. q, k and v (float32 or float64, one dtype); the mask is
// a constant.
#include <utility>

#include "deepfin/core/tensor.h"

namespace deepfin {

struct AttentionOptions {
  double scale = 0;  // 0: 1 / sqrt(Dk)
  bool causal = false;
  double dropout = 0;  // rate in [0, 1)
  bool training = false;
};

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask = {},
                 const AttentionOptions& o = {});

// The same output (differentiable), plus the attention probabilities (B, H, Tq, Tk)
// before dropout, as Keras's return_attention_scores. The probabilities do
// materialize Tq x Tk per head, and they are a constant (no gradient flows back
// through them).
std::pair<Tensor, Tensor> attention_with_scores(const Tensor& q, const Tensor& k, const Tensor& v,
                                                const Tensor& mask = {}, const AttentionOptions& o = {});

}  // namespace deepfin
