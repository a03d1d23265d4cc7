#pragma once
// Standard normal draws from blocks of random 64-bit words, many at a time.
#include <cstdint>

namespace deepfin::privacy::detail {

// out[0 .. 2 pairs) from words[0 .. 2 pairs): Box-Muller on uniforms made from
// the words' top 52 bits; pair i takes words i and pairs + i, the first in
// (0, 1] so that its log is finite, and writes out[i] and out[pairs + i].
void normals_from_words(const uint64_t* words, int64_t pairs, double* out);

}  // namespace deepfin::privacy::detail
