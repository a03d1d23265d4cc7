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

// murmur3's 32-bit finalizer: a bijection on 32 bits with full avalanche, in
// 32-bit lanes so the optimized kernel's dropout loops vectorize.
inline uint32_t attention_mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Keeps an element when the top 24 bits of a hash of (seed, index) are >= rate * 2^24.
struct AttentionDropout {
  uint32_t key_lo = 0, key_hi = 0;  // the seed's halves, premixed
  uint32_t threshold = 0;           // rate * 2^24
  double keep_scale = 1.0;

  AttentionDropout(uint64_t s, double rate)
      : key_lo(attention_mix32(static_cast<uint32_t>(s))),
        key_hi(attention_mix32(static_cast<uint32_t>(s >> 32) ^ 0x9e3779b9u)),
        threshold(static_cast<uint32_t>(rate * 16777216.0)),
        keep_scale(1.0 / (1.0 - rate)) {}

  // `index` = ((b * H + h) * Tq + i) * Tk + j.
  bool keep(uint64_t index) const {
    const uint32_t lo = attention_mix32(static_cast<uint32_t>(index) ^ key_lo);
    const uint32_t h = attention_mix32(lo + key_hi + static_cast<uint32_t>(index >> 32) * 0x9e3779b1u);
    return (h >> 8) >= threshold;
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
