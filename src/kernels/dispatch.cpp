#include "kernels/dispatch.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace deepfin::kernels {
namespace {

std::atomic<bool>& reference_flag() {
  static std::atomic<bool> flag = [] {
    const char* env = std::getenv("DEEPFIN_REFERENCE_KERNELS");
    return env != nullptr && std::strcmp(env, "0") != 0 && env[0] != '\0';
  }();
  return flag;
}

}  // namespace

bool reference_kernels_only() { return reference_flag().load(std::memory_order_relaxed); }
void set_reference_kernels_only(bool on) { reference_flag().store(on); }

}  // namespace deepfin::kernels
