#pragma once
// Kernel slots for the Transformer's element-wise epilogues in one pass each:
//   out = residual + keep(i) * scale * act(x)        (residual optional)
//   dx  = dy * keep(i) * scale * act'(x)
// act is identity (dropout before a residual add), relu or gelu (the FFN hidden
// layer, exact erf form). Dropout decisions are a hash of (key, flat index), so
// backward recomputes them without a stored mask, and every kernel and thread
// count agrees. Reference kernels exist for float and double; the optimized
// float32 kernels register over float's.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

enum class EpilogueActivation : int { identity, relu, gelu };

// Counter-based dropout: element i is kept when the top 24 bits of a 32-bit hash
// of (key, i) are >= rate * 2^24. active = false keeps everything with scale 1.
struct EpilogueDropout {
  bool active = false;
  uint64_t key = 0;
  uint32_t threshold = 0;  // rate * 2^24
  double keep_scale = 1.0;

  static EpilogueDropout make(uint64_t key, double rate) {
    if (!(rate > 0.0)) return {};
    return {.active = true,
            .key = key,
            .threshold = static_cast<uint32_t>(rate * 16777216.0),
            .keep_scale = 1.0 / (1.0 - rate)};
  }
};

// murmur3's 32-bit finalizer: a bijection with full avalanche that vectorizes.
inline uint32_t epilogue_mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// The key's low half, folded with the index's high half (0 below 2^32 elements).
inline uint32_t epilogue_block_key(const EpilogueDropout& d, uint64_t index) {
  return static_cast<uint32_t>(d.key) ^
         epilogue_mix32(static_cast<uint32_t>(d.key >> 32) + static_cast<uint32_t>(index >> 32));
}

inline bool epilogue_keep(uint32_t block_key, uint32_t threshold, uint64_t index) {
  const uint32_t h = epilogue_mix32(static_cast<uint32_t>(index) * 0x9e3779b1u + block_key);
  return (h >> 8) >= threshold;
}

template <class T>
struct EpilogueForward {
  int64_t n = 0;
  const T* x = nullptr;
  const T* residual = nullptr;  // null: no residual
  T* out = nullptr;
  EpilogueActivation activation = EpilogueActivation::identity;
  EpilogueDropout dropout{};
};

template <class T>
struct EpilogueBackward {
  int64_t n = 0;
  const T* x = nullptr;  // the forward's input (unused for identity)
  const T* dy = nullptr;
  T* dx = nullptr;
  EpilogueActivation activation = EpilogueActivation::identity;
  EpilogueDropout dropout{};
};

template <class T>
using EpilogueForwardFn = void(const EpilogueForward<T>& a);
template <class T>
using EpilogueBackwardFn = void(const EpilogueBackward<T>& a);

template <class T>
const KernelSlot<EpilogueForwardFn<T>>& epilogue_forward_slot();
template <class T>
const KernelSlot<EpilogueBackwardFn<T>>& epilogue_backward_slot();

}  // namespace deepfin::kernels
