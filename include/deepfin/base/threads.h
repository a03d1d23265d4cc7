#pragma once
// Thread control. deepfin uses OpenMP and shares that pool with the BLAS library.
// The count comes from set_num_threads, else DEEPFIN_NUM_THREADS, else the cores.
#include <cstdint>

namespace deepfin {

void set_num_threads(int n);
// The count this thread may use: set_num_threads's, or 1 inside a ThreadLocalSerialScope.
int get_num_threads();

// While alive, get_num_threads() returns 1 on the calling thread only, so the
// kernels it runs stay on it. Batch-parallel training gives each thread a shard
// of the batch and runs it under this scope, instead of nesting OpenMP teams.
class ThreadLocalSerialScope {
 public:
  ThreadLocalSerialScope();
  ~ThreadLocalSerialScope();
  ThreadLocalSerialScope(const ThreadLocalSerialScope&) = delete;
  ThreadLocalSerialScope& operator=(const ThreadLocalSerialScope&) = delete;

 private:
  bool previous_;
};

// libgomp lets idle workers busy-wait for a long time (GOMP_SPINCOUNT) before
// sleeping; on a machine with other load that makes parallel code 10x slower,
// and sleeping at once makes every parallel region pay a futex wake-up. The
// wait policy can only be chosen before libgomp starts, so programs call this
// first thing in main(): unless the user chose OMP_WAIT_POLICY or
// GOMP_SPINCOUNT, it sets a short spin (GOMP_SPINCOUNT=3000, then sleep; for
// LLVM's libomp KMP_BLOCKTIME=0, sleep at once, unless set) and re-executes the
// program (once; a marker variable prevents loops). Returns only if no re-exec
// happened.
void use_passive_openmp_waiting(char** argv);

// Below this many scalar operations a loop stays on one thread: waking a team
// costs more than it saves.
inline constexpr int64_t kParallelGrain = 32768;

// True when `work` (roughly, scalar operations) is worth spreading over threads.
inline bool worth_parallel(int64_t work) {
  return work >= kParallelGrain && get_num_threads() > 1;
}

}  // namespace deepfin
