#pragma once
// Where a tensor's storage lives. Only the CPU exists today; the field lets a
// CUDA backend slot in without changing any signature.
#include <string>

namespace deepfin {

enum class DeviceType : unsigned char { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  bool operator==(const Device&) const = default;
  std::string to_string() const { return type == DeviceType::CPU ? "cpu" : "cuda:" + std::to_string(index); }
};

}  // namespace deepfin
