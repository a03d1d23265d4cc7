#include "deepfin/core/random.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <numbers>
#include <sstream>

#include "deepfin/base/error.h"

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

std::string Generator::state() const {
  std::ostringstream out;
  out << seed_ << ' ' << has_spare_ << ' ' << std::bit_cast<uint64_t>(spare_) << ' ' << engine_;
  return out.str();
}

void Generator::set_state(const std::string& text) {
  std::istringstream in(text);
  uint64_t seed = 0, spare_bits = 0;
  bool has_spare = false;
  std::mt19937_64 engine;
  in >> seed >> has_spare >> spare_bits >> engine;
  if (in.fail() || !(in >> std::ws).eof())
    throw ValueError(fmt::format("Generator::set_state: '{}...' is not a generator state", text.substr(0, 40)));
  seed_ = seed;
  has_spare_ = has_spare;
  spare_ = std::bit_cast<double>(spare_bits);
  engine_ = engine;
}

namespace {
thread_local Generator* t_scoped = nullptr;
}  // namespace

Generator& default_generator() {
  if (t_scoped) return *t_scoped;
  static Generator gen(0);
  return gen;
}

DefaultGeneratorScope::DefaultGeneratorScope(Generator* g) : previous_(t_scoped) {
  t_scoped = g;
}

DefaultGeneratorScope::~DefaultGeneratorScope() {
  t_scoped = previous_;
}

void set_random_seed(uint64_t seed) {
  default_generator().seed(seed);
}

}  // namespace deepfin
