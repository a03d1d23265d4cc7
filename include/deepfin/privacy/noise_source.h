#pragma once
// Randomness for DP-SGD: the Gaussian noise and the Poisson sampling. The
// guarantee assumes an adversary cannot predict them, so by default they come
// from OpenSSL's CSPRNG (RAND_bytes); a seeded generator is there for tests and
// reproducible research, and a run reports which it used.
#include <cstdint>
#include <vector>

#include "deepfin/core/random.h"

namespace deepfin::privacy {

class NoiseSource {
 public:
  // secure: OpenSSL; otherwise a generator seeded with `seed`.
  NoiseSource(bool secure, uint64_t seed);
  bool secure() const { return secure_; }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Adds N(0, stddev^2) to each of n floats.
  void add_gaussian(float* values, int64_t n, double stddev);
  // Each of 0..n-1 with probability q, in increasing order (Poisson sampling).
  std::vector<int64_t> poisson_sample(int64_t n, double q);

 private:
  uint64_t next_u64();
  void refill();

  bool secure_;
  Generator generator_;
  std::vector<uint64_t> buffer_;  // RAND_bytes is called for many words at a time
  std::vector<uint64_t> words_;   // add_gaussian's, kept between steps
  size_t next_ = 0;
};

}  // namespace deepfin::privacy
