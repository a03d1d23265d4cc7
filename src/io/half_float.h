#pragma once
// 16-bit floats as other writers store weights (IEEE binary16 "F16", bfloat16 "BF16"),
// widened to float32 exactly: every 16-bit value is a float32 value. No conversion back:
// deepfin writes float32 and float64 only.
#include <bit>
#include <cmath>
#include <cstdint>

namespace deepfin::io::detail {

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa x 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  // Infinity and NaN keep their payload; a normal value re-biases its exponent (15 -> 127).
  const uint32_t bits =
      exponent == 0x1fu ? sign | 0x7f800000u | (mantissa << 13) : sign | ((exponent + 112u) << 23) | (mantissa << 13);
  return std::bit_cast<float>(bits);
}

// bfloat16 is the top half of a float32.
inline float bfloat16_to_float(uint16_t h) {
  return std::bit_cast<float>(static_cast<uint32_t>(h) << 16);
}

}  // namespace deepfin::io::detail
