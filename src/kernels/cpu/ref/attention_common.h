#pragma once
// Helpers shared by the reference and optimized attention kernels: which keys a
// query may see, and counter-based dropout decisions.
//
// Dropout decisions for attention probabilities: element (b, h,
// i, j) is kept or dropped by a hash of (seed, its flat index), so backward
// recomputes the forward's decisions without a stored (Tq, Tk) mask, and every
// kernel and thread count agrees.
#include <cstdint>

#include "kernels/attention_slots.h"

namespace deepfin::kernels {

// SplitMix64's finalizer: a bijection on 64 bits with full avalanche.
inline uint64_t attention_mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Keeps an element when its 24-bit uniform draw is >= rate * 2^24.
struct AttentionDropout {
  uint64_t seed = 0;
  uint32_t threshold = 0;  // rate * 2^24
  double keep_scale = 1.0;

  AttentionDropout(uint64_t s, double rate)
      : seed(s), threshold(static_cast<uint32_t>(rate * 16777216.0)), keep_scale(1.0 / (1.0 - rate)) {}

  // `index` = ((b * H + h) * Tq + i) * Tk + j.
  bool keep(uint64_t index) const {
    const uint64_t u = attention_mix64(seed ^ attention_mix64(index + 0x9e3779b97f4a7c15ULL));
    return static_cast<uint32_t>(u >> 40) >= threshold;
  }
};

// Whether query i of pair (b, h) may attend to key j (mask nonzero, causal order).
template <class T>
inline bool attention_visible(const AttentionArgs<T>& a, int64_t b, int64_t h, int64_t i, int64_t j) {
  if (a.causal && j > i) return false;
  if (!a.mask) return true;
  const int64_t* s = a.mask_strides;
  return a.mask[b * s[0] + h * s[1] + i * s[2] + j * s[3]] != T(0);
}

}  // namespace deepfin::kernels
