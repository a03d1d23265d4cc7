// one_hot: int64 labels -> 0/1 rows. Carries no gradient.
#include <fmt/format.h>

#include "deepfin/ops/shape_ops.h"
#include "kernels/movement_slots.h"

namespace deepfin {

Tensor one_hot(const Tensor& labels, int64_t num_classes, DType dtype) {
  if (num_classes <= 0) throw ValueError(fmt::format("one_hot: num_classes must be positive, got {}", num_classes));
  check_index_range(labels, num_classes, "one_hot");
  Shape out_shape = labels.shape();
  out_shape.push_back(num_classes);
  Tensor ids = labels.detach().contiguous();
  Tensor out = Tensor::empty(out_shape, dtype);
  dispatch_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    kernels::one_hot_slot<T>().select()(ids.data<int64_t>(), out.data<T>(), ids.numel(), num_classes);
  });
  return out;
}

}  // namespace deepfin
