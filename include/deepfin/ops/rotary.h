#pragma once
// Rotary position embedding (RoPE, Su et al. 2021) in the "rotate half" layout of
// GPT-NeoX and Llama: the head dimension D splits into halves (x1, x2), and pair
// i = (x1[i], x2[i]) turns by the angle p * base^(-2i / D) at position p:
//   out = x * cos + rotate_half(x) * sin,   rotate_half(x) = concat(-x2, x1).
// Because a rotation by p·θ of q and by s·θ of k leaves q·k depending only on
// p - s, a constant shift of every position (left padding in a batch, a KV-cache
// offset) changes no attention score.
//
// x is (B, H, T, D) (the attention op's layout) with D even; positions is int64,
// (T) for every row or (B, T) per row. Differentiable w.r.t. x (the angles are
// constants, computed in double).
#include "deepfin/core/tensor.h"

namespace deepfin {

Tensor rotary_embedding(const Tensor& x, const Tensor& positions, double base = 10000.0);

// Positions start, start + 1, ..., start + length - 1 as an int64 (length) tensor.
Tensor position_range(int64_t start, int64_t length);

}  // namespace deepfin
