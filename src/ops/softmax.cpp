// softmax and log_softmax over one axis: fused, numerically stable kernels with
// a hand-written backward that reads only the saved output.
#include "deepfin/autograd/node.h"
#include "deepfin/ops/activations.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};

// Views a shape as (outer, n, inner) around `axis`.
AxisSplit split_at(const Shape& shape, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < axis) s.outer *= shape[d];
    if (d == axis) s.n = shape[d];
    if (d > axis) s.inner *= shape[d];
  }
  return s;
}

Tensor softmax_impl(const char* name, bool log, const Tensor& x, int64_t axis) {
  return dispatch_floating(name, x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    const AxisSplit s = split_at(x.shape(), normalize_axis(axis, x.dim(), name));
    const Tensor xc = ew::contiguous_data(x);
    Tensor y = Tensor::empty(x.shape(), x.dtype());
    kernels::softmax_slot<T>().select(x.device())(log, s.outer, s.n, s.inner, xc.data<T>(), y.data<T>());
    const Tensor saved_y = y.detach();
    return record(name, y, {x}, [=](const Tensor& grad) -> std::vector<Tensor> {
      const Tensor g = ew::contiguous_data(grad);
      Tensor dx = Tensor::empty(g.shape(), g.dtype());
      kernels::softmax_backward_slot<T>().select(g.device())(log, s.outer, s.n, s.inner, saved_y.data<T>(), g.data<T>(),
                                                             dx.data<T>());
      return {dx};
    });
  });
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) {
  return softmax_impl("softmax", false, x, axis);
}
Tensor log_softmax(const Tensor& x, int64_t axis) {
  return softmax_impl("log_softmax", true, x, axis);
}

}  // namespace deepfin
