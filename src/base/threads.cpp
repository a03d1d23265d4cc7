#include "deepfin/base/threads.h"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "deepfin/base/error.h"

namespace deepfin {
namespace {

// More threads than this is a typo (an OpenMP runtime asked for 10^7 threads fails
// with its own message, or not at all); oversubscription past the cores only slows.
constexpr long kMaxThreads = 1024;

int initial_threads() {
  if (const char* env = std::getenv("DEEPFIN_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= kMaxThreads) return static_cast<int>(n);
  }
  return omp_get_num_procs();
}

thread_local bool t_serial = false;

int& thread_count() {
  static int n = [] {
    const int t = initial_threads();
    omp_set_num_threads(t);
    return t;
  }();
  return n;
}

}  // namespace

void set_num_threads(int n) {
  if (n <= 0 || n > kMaxThreads)
    throw ValueError(fmt::format("set_num_threads: thread count must lie in [1, {}], got {}", kMaxThreads, n));
  thread_count() = n;
  omp_set_num_threads(n);
}

int get_num_threads() {
  return t_serial ? 1 : thread_count();
}

ThreadLocalSerialScope::ThreadLocalSerialScope() : previous_(t_serial) {
  t_serial = true;
}

ThreadLocalSerialScope::~ThreadLocalSerialScope() {
  t_serial = previous_;
}

void use_passive_openmp_waiting(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") || std::getenv("DEEPFIN_REEXECUTED")) return;
  // A short spin catches the next parallel region of a training step (they come
  // every few microseconds) without a futex wake-up, and is too short to matter
  // when other work wants the core. Measured on the seed CNN at 2 threads
  // (bench/run.py's cnn_train): pure PASSIVE 13,500/s, 3,000 spins 16,900/s,
  // 30,000 spins 15,600/s, libgomp's default 300,000 spins 7,500/s; with both
  // cores loaded by other work, 3,000 spins is no slower than PASSIVE.
  setenv("GOMP_SPINCOUNT", "3000", 1);
  // LLVM's libomp (clang builds) ignores GOMP_SPINCOUNT and spins 200 ms by default.
  setenv("KMP_BLOCKTIME", "0", 0);
  setenv("DEEPFIN_REEXECUTED", "1", 1);
  execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on with libgomp's default waiting.
}

}  // namespace deepfin
