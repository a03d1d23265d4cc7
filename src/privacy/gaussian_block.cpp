// Built with -ffast-math (src/CMakeLists.txt), and alone: glibc then offers
// SIMD versions of log and cos, and this loop runs 4 lanes at a time. Its
// inputs are never NaN or infinite, which is all that -ffast-math assumes.
#include "privacy/gaussian_block.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace deepfin::privacy::detail {
namespace {

// A uniform in [1, 2) from the word's top 52 bits, by setting the exponent of 1.0.
inline double one_to_two(uint64_t word) {
  const uint64_t bits = 0x3FF0000000000000ull | (word >> 12);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace

void normals_from_words(const uint64_t* words, int64_t pairs, double* out) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (int64_t i = 0; i < pairs; ++i) {
    const double u1 = 2.0 - one_to_two(words[i]);          // (0, 1]
    const double u2 = one_to_two(words[pairs + i]) - 1.0;  // [0, 1)
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double c = std::cos(kTwoPi * u2);
    // The sine from the cosine: GCC fuses a sin beside a cos into sincos, which
    // it cannot vectorize. sin(2 pi u2) >= 0 exactly when u2 <= 1/2.
    const double s = std::copysign(std::sqrt(std::max(0.0, 1.0 - c * c)), 0.5 - u2);
    out[i] = radius * c;
    out[pairs + i] = radius * s;
  }
}

}  // namespace deepfin::privacy::detail
