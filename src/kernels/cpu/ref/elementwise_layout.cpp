// coalesce(): the shape simplification every broadcast kernel runs first.
#include <cstddef>

#include "kernels/elementwise_slots.h"

namespace deepfin::kernels {

BroadcastLayout coalesce(const BroadcastLayout& in) {
  const size_t inputs = in.strides.size();
  BroadcastLayout out;
  out.strides.resize(inputs);
  if (in.numel() == 0) {
    out.shape = {0};
    for (auto& s : out.strides) s = {0};
    return out;
  }
  for (size_t d = 0; d < in.shape.size(); ++d) {
    if (in.shape[d] == 1) continue;  // size-1 axes never move any pointer
    // Axis d folds into the previous kept axis when every operand steps over it contiguously.
    bool merge = !out.shape.empty();
    for (size_t k = 0; k < inputs && merge; ++k) merge = out.strides[k].back() == in.strides[k][d] * in.shape[d];
    if (merge) {
      out.shape.back() *= in.shape[d];
      for (size_t k = 0; k < inputs; ++k) out.strides[k].back() = in.strides[k][d];
    } else {
      out.shape.push_back(in.shape[d]);
      for (size_t k = 0; k < inputs; ++k) out.strides[k].push_back(in.strides[k][d]);
    }
  }
  if (out.shape.empty()) {
    out.shape = {1};
    for (auto& s : out.strides) s = {0};
  }
  return out;
}

}  // namespace deepfin::kernels
