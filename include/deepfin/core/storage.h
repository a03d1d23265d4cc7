#pragma once
// A flat, shared buffer of bytes. Tensors are views (shape, strides, offset)
// into a Storage; several tensors may share one.
#include <cstddef>
#include <memory>

#include "deepfin/base/device.h"

namespace deepfin {

class Storage {
 public:
  // Allocates `bytes` from the caching allocator; contents are uninitialised.
  Storage(size_t bytes, Device device);
  // Wraps memory owned elsewhere (e.g. a parameter arena); never freed here.
  Storage(void* external, size_t bytes, Device device, std::shared_ptr<void> owner);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  Device device_;
  std::shared_ptr<void> owner_;  // keeps external memory alive
  bool external_ = false;        // memory not from the caching allocator: never freed here
};

}  // namespace deepfin
