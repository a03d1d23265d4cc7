// Helpers shared by the element-wise ops (see elementwise_internal.h).
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "ops/elementwise_internal.h"

namespace deepfin::ew {

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    throw DTypeError(fmt::format("{}: inputs must have the same dtype, got {} and {}", op, dtype_name(a.dtype()),
                                 dtype_name(b.dtype())));
}

void check_floating(const char* op, const Tensor& t) {
  if (!is_floating(t.dtype())) throw_not_floating(op, t.dtype());
}

kernels::BroadcastLayout broadcast_layout(const Shape& out, const std::vector<Tensor>& inputs) {
  kernels::BroadcastLayout layout;
  layout.shape = out;
  const int64_t ndim = static_cast<int64_t>(out.size());
  for (const Tensor& t : inputs) {
    std::vector<int64_t> strides(ndim, 0);
    const int64_t lead = ndim - t.dim();  // missing leading axes broadcast
    for (int64_t d = lead; d < ndim; ++d) {
      const int64_t td = d - lead;
      strides[d] = t.shape()[td] == 1 ? 0 : t.strides()[td];
    }
    layout.strides.push_back(std::move(strides));
  }
  return kernels::coalesce(layout);
}

Tensor contiguous_data(const Tensor& x) {
  NoGradGuard no_grad;
  Tensor d = x.detach();
  return d.is_contiguous() ? d : d.contiguous();
}

Tensor binary_forward(const char* name, kernels::BinaryOp op, const Tensor& a, const Tensor& b) {
  check_same_dtype(name, a, b);
  const Shape out_shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = Tensor::empty(out_shape, a.dtype());
  const kernels::BroadcastLayout layout = broadcast_layout(out_shape, {a, b});
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::binary_slot<T>().select(a.device())(op, layout, a.data<T>(), b.data<T>(), out.data<T>());
  });
  return out;
}

Tensor apply_unary(const char* name, kernels::UnaryOp op, const Tensor& x, double alpha, double beta) {
  return dispatch_floating(name, x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    const Tensor xc = contiguous_data(x);
    Tensor y = Tensor::empty(x.shape(), x.dtype());
    kernels::unary_slot<T>().select(x.device())(op, xc.numel(), xc.data<T>(), y.data<T>(), T(alpha), T(beta));
    // Save only what this op's derivative reads.
    const Tensor saved_x = kernels::unary_backward_needs_input(op) ? xc : Tensor();
    const Tensor saved_y = kernels::unary_backward_needs_output(op) ? y.detach() : Tensor();
    return record(name, y, {x}, [=](const Tensor& grad) -> std::vector<Tensor> {
      const Tensor g = contiguous_data(grad);
      Tensor dx = Tensor::empty(g.shape(), g.dtype());
      const T* xp = saved_x.defined() ? saved_x.data<T>() : nullptr;
      const T* yp = saved_y.defined() ? saved_y.data<T>() : nullptr;
      kernels::unary_backward_slot<T>().select(g.device())(op, g.numel(), xp, yp, g.data<T>(), dx.data<T>(), T(alpha),
                                                           T(beta));
      return {dx};
    });
  });
}

int64_t reduced_count(const Shape& shape, const std::vector<bool>& reduced) {
  int64_t count = 1;
  for (size_t d = 0; d < shape.size(); ++d)
    if (reduced[d]) count *= shape[d];
  return count;
}

std::vector<bool> reduced_axes(const char* op, int64_t ndim, const std::vector<int64_t>& axes) {
  std::vector<bool> reduced(ndim, axes.empty());
  for (int64_t axis : axes) {
    const int64_t a = normalize_axis(axis, ndim, op);
    if (reduced[a]) throw ValueError(fmt::format("{}: axis {} is listed twice", op, axis));
    reduced[a] = true;
  }
  return reduced;
}

Shape reduced_shape(const Shape& shape, const std::vector<bool>& reduced, bool keepdims) {
  Shape out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (!reduced[d])
      out.push_back(shape[d]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

}  // namespace deepfin::ew
