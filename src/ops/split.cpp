// split: pieces are views (Tensor::slice), so they share x's storage and carry
// autograd through the core's view backward.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "deepfin/ops/shape_ops.h"

namespace deepfin {

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis) {
  axis = normalize_axis(axis, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw ValueError(fmt::format("split: sizes must be non-negative, got [{}]", fmt::join(sizes, ", ")));
    total += s;
  }
  if (total != x.shape()[axis])
    throw ShapeError(fmt::format("split: sizes [{}] sum to {} but axis {} of {} has length {}", fmt::join(sizes, ", "),
                                 total, axis, shape_str(x.shape()), x.shape()[axis]));
  std::vector<Tensor> pieces;
  pieces.reserve(sizes.size());
  int64_t start = 0;
  for (int64_t s : sizes) {
    pieces.push_back(x.slice(axis, start, start + s));
    start += s;
  }
  return pieces;
}

std::vector<Tensor> split(const Tensor& x, int64_t sections, int64_t axis) {
  if (sections <= 0) throw ValueError(fmt::format("split: sections must be positive, got {}", sections));
  axis = normalize_axis(axis, x.dim(), "split");
  const int64_t len = x.shape()[axis];
  if (len % sections != 0)
    throw ShapeError(fmt::format("split: axis {} of {} has length {}, which does not divide into {} equal sections",
                                 axis, shape_str(x.shape()), len, sections));
  return split(x, std::vector<int64_t>(sections, len / sections), axis);
}

}  // namespace deepfin
