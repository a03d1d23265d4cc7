#pragma once
// A caching allocator for tensor storage. Freed blocks go back to a per-size
// free list and are reused, so a training step that allocates the same shapes
// every iteration stops calling malloc after the first one.
#include <cstddef>
#include <cstdint>

namespace deepfin {

struct AllocatorStats {
  uint64_t system_allocations = 0;  // calls that reached the system allocator
  uint64_t cache_hits = 0;          // requests served from the free lists
  size_t bytes_cached = 0;          // bytes held in free lists right now
  size_t bytes_in_use = 0;          // bytes handed out and not yet returned
};

class CachingAllocator {
 public:
  static CachingAllocator& instance();

  // 64-byte aligned, zero bytes allowed; the block's capacity may exceed `bytes`.
  void* allocate(size_t bytes);
  void deallocate(void* ptr, size_t bytes);

  // Returns every cached block to the system.
  void release_cached();
  AllocatorStats stats() const;

  // Block sizes are rounded up so freed blocks fit later requests of similar size.
  static size_t round_size(size_t bytes);
};

}  // namespace deepfin
