#include "deepfin/core/allocator.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

namespace deepfin {
namespace {

constexpr size_t kAlignment = 64;
// Blocks at least this large are not cached past a budget, so one huge
// temporary cannot pin memory forever.
constexpr size_t kMaxCachedBytes = size_t{2} << 30;

struct State {
  std::mutex mu;
  std::map<size_t, std::vector<void*>> free_lists;  // rounded size -> blocks
  AllocatorStats stats;
};

State& state() {
  static State* s = new State();  // never destroyed: tensors may outlive static destruction order
  return *s;
}

}  // namespace

CachingAllocator& CachingAllocator::instance() {
  static CachingAllocator a;
  return a;
}

size_t CachingAllocator::round_size(size_t bytes) {
  if (bytes <= 512) return 512;
  if (bytes > (SIZE_MAX >> 2)) throw std::bad_alloc();
  // Round up to an eighth of the next power of two: at most 12.5% slack.
  size_t p = 1;
  while (p < bytes) p <<= 1;
  const size_t step = p / 8;
  return (bytes + step - 1) / step * step;
}

void* CachingAllocator::allocate(size_t bytes) {
  const size_t size = round_size(bytes);
  State& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.free_lists.find(size);
    if (it != s.free_lists.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      s.stats.cache_hits++;
      s.stats.bytes_cached -= size;
      s.stats.bytes_in_use += size;
      return p;
    }
    s.stats.system_allocations++;
    s.stats.bytes_in_use += size;
  }
  void* p = std::aligned_alloc(kAlignment, size);
  if (!p) {
    release_cached();
    p = std::aligned_alloc(kAlignment, size);
  }
  if (!p) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.stats.bytes_in_use -= size;
    throw std::bad_alloc();
  }
  return p;
}

void CachingAllocator::deallocate(void* ptr, size_t bytes) {
  if (!ptr) return;
  const size_t size = round_size(bytes);
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.stats.bytes_in_use -= size;
  if (s.stats.bytes_cached + size > kMaxCachedBytes) {
    std::free(ptr);
    return;
  }
  s.free_lists[size].push_back(ptr);
  s.stats.bytes_cached += size;
}

void CachingAllocator::release_cached() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& [size, blocks] : s.free_lists)
    for (void* p : blocks) std::free(p);
  s.free_lists.clear();
  s.stats.bytes_cached = 0;
}

AllocatorStats CachingAllocator::stats() const {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.stats;
}

}  // namespace deepfin
