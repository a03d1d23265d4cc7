#pragma once
// One seeded generator drives initializers, shuffling and dropout, so that a run
// with the same seed and thread count is bit-for-bit repeatable.
#include <cstdint>
#include <random>
#include <string>

namespace deepfin {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed), seed_(seed) {}
  // Also drops a pending Box-Muller value: after seed(s) the draws depend on s alone.
  void seed(uint64_t s) {
    engine_.seed(s);
    seed_ = s;
    has_spare_ = false;
  }
  uint64_t initial_seed() const { return seed_; }
  std::mt19937_64& engine() { return engine_; }

  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform01(); }
  // Standard normal by Box-Muller; identical on every platform (std::normal_distribution is not).
  double normal(double mean = 0.0, double stddev = 1.0);
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n);

  // The whole state as text (engine, seed, a pending normal), so that a run
  // resumed from a checkpoint draws exactly what it would have drawn.
  std::string state() const;
  // Restores what state() wrote; ValueError for text it did not write.
  void set_state(const std::string& text);

 private:
  std::mt19937_64 engine_;
  uint64_t seed_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// The process-wide generator. Not thread-safe: draw from it on one thread.
// Inside a DefaultGeneratorScope, the scope's generator instead (on that thread).
Generator& default_generator();

// Restores default_generator()'s state when it goes out of scope: work that
// draws as a side effect (load_model builds layers, whose initializers draw)
// leaves a run's random stream as it was.
class GeneratorStateGuard {
 public:
  GeneratorStateGuard() : state_(default_generator().state()) {}
  ~GeneratorStateGuard() { default_generator().set_state(state_); }
  GeneratorStateGuard(const GeneratorStateGuard&) = delete;
  GeneratorStateGuard& operator=(const GeneratorStateGuard&) = delete;

 private:
  std::string state_;
};

// While alive, default_generator() on this thread is `g`. Data-parallel
// training gives each rank's dropout a stream of its own this way, while the
// process-wide generator, alike on every rank, orders the batches.
class DefaultGeneratorScope {
 public:
  explicit DefaultGeneratorScope(Generator* g);
  ~DefaultGeneratorScope();
  DefaultGeneratorScope(const DefaultGeneratorScope&) = delete;
  DefaultGeneratorScope& operator=(const DefaultGeneratorScope&) = delete;

 private:
  Generator* previous_;
};
void set_random_seed(uint64_t seed);

}  // namespace deepfin
