#include "deepfin/core/random.h"

#include <cmath>
#include <numbers>

namespace deepfin {

double Generator::normal(double mean, double stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + stddev * spare_;
  }
  double u1 = uniform01();
  while (u1 <= 0.0) u1 = uniform01();
  const double u2 = uniform01();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return mean + stddev * r * std::cos(theta);
}

uint64_t Generator::below(uint64_t n) {
  if (n <= 1) return 0;
  // Rejection sampling: unbiased, and the same on every platform.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = engine_();
  while (x >= limit);
  return x % n;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void set_random_seed(uint64_t seed) {
  default_generator().seed(seed);
}

}  // namespace deepfin
