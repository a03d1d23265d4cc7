#pragma once
// The one dispatch seam: (op, device) -> kernel. Every op has a plain reference
// kernel in kernels/cpu/ref that is always built; optimized CPU kernels (and
// later CUDA ones) register over it. Kernels see raw pointers, never Tensors.
//
// Tests call slot.reference() and slot.select(...) side by side to compare
// optimized kernels against the reference. Setting DEEPFIN_REFERENCE_KERNELS=1
// (or set_reference_kernels_only(true)) makes every op run its reference kernel.
#include <cstdint>

#include "deepfin/base/device.h"

namespace deepfin::kernels {

bool reference_kernels_only();
void set_reference_kernels_only(bool on);

template <class Fn>
class KernelSlot {
 public:
  constexpr KernelSlot(const char* name, Fn* reference, Fn* cpu_optimized = nullptr, Fn* cuda = nullptr)
      : name_(name), ref_(reference), cpu_(cpu_optimized), cuda_(cuda) {}

  const char* name() const { return name_; }
  Fn* reference() const { return ref_; }
  Fn* optimized() const { return cpu_ ? cpu_ : ref_; }
  bool has_optimized() const { return cpu_ != nullptr; }

  // The kernel an op runs on `device`.
  Fn* select(Device device = {}) const {
    if (device.type == DeviceType::CUDA && cuda_) return cuda_;
    if (cpu_ && !reference_kernels_only()) return cpu_;
    return ref_;
  }

 private:
  const char* name_;
  Fn* ref_;
  Fn* cpu_;
  Fn* cuda_;
};

}  // namespace deepfin::kernels
