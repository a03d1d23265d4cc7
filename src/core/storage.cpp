#include "deepfin/core/storage.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/core/allocator.h"

namespace deepfin {

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  if (device.type != DeviceType::CPU)
    throw Error(fmt::format("Storage: device {} is not available", device.to_string()));
  data_ = CachingAllocator::instance().allocate(bytes);
}

Storage::Storage(void* external, size_t bytes, Device device, std::shared_ptr<void> owner)
    : data_(external), bytes_(bytes), device_(device), owner_(std::move(owner)), external_(true) {}

Storage::~Storage() {
  if (!external_) CachingAllocator::instance().deallocate(data_, bytes_);
}

}  // namespace deepfin
