// sum / mean over any set of axes, max / min / argmax over one axis.
// A set of axes is reduced as runs of neighbouring axes, last run first, each
// run one (outer, n, inner) kernel call over contiguous data.
#include "deepfin/ops/reductions.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

using kernels::ReduceOp;

// Reduces `x` (any layout) with sum or mean; the result has keepdims shape.
Tensor reduce_runs(const char* name, ReduceOp op, const Tensor& x, const std::vector<bool>& reduced) {
  return dispatch_floating(name, x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    Tensor current = ew::contiguous_data(x);
    Shape shape = x.shape();
    bool reduced_any = false;
    for (int64_t end = static_cast<int64_t>(shape.size()); end > 0;) {
      if (!reduced[end - 1]) {
        --end;
        continue;
      }
      int64_t start = end - 1;
      while (start > 0 && reduced[start - 1]) --start;
      int64_t outer = 1, n = 1, inner = 1;
      for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
        (d < start ? outer : d < end ? n : inner) *= shape[d];
      for (int64_t d = start; d < end; ++d) shape[d] = 1;
      Tensor next = Tensor::empty(shape, x.dtype());
      kernels::reduce_slot<T>().select(x.device())(op, outer, n, inner, current.data<T>(), next.data<T>());
      current = next;
      reduced_any = true;
      end = start;
    }
    // Nothing reduced (no axes, or a 0-d tensor): the result is a copy.
    return reduced_any ? current : current.clone();
  });
}

// Spreads a gradient of the reduced shape back over `shape`, times `scale`.
Tensor expand_grad(const Tensor& g, const Shape& keep_shape, const Shape& shape, double scale) {
  Tensor spread = g.reshape(keep_shape).broadcast_to(shape).contiguous();
  return scale == 1.0 ? spread : mul(spread, scale);
}

Tensor sum_or_mean(const char* name, ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  const std::vector<bool> reduced = ew::reduced_axes(name, x.dim(), axes);
  const Shape keep_shape = ew::reduced_shape(x.shape(), reduced, true);
  Tensor out = reduce_runs(name, op, x, reduced).reshape(ew::reduced_shape(x.shape(), reduced, keepdims));
  const double count = static_cast<double>(ew::reduced_count(x.shape(), reduced));
  const double scale = op == ReduceOp::mean ? 1.0 / count : 1.0;
  return record(name, out, {x}, [=, shape = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {expand_grad(g, keep_shape, shape, scale)};
  });
}

struct ExtremeResult {
  Tensor values;   // keepdims shape
  Tensor indices;  // int64, keepdims shape
  int64_t outer, n, inner;
};

ExtremeResult arg_extreme(const char* name, ReduceOp op, const Tensor& x, int64_t axis, bool want_values) {
  const int64_t a = normalize_axis(axis, x.dim(), name);
  if (x.shape()[a] == 0)
    throw ValueError(fmt::format("{}: cannot reduce axis {} of size 0 (shape {})", name, axis, shape_str(x.shape())));
  ExtremeResult r{Tensor(), Tensor(), 1, x.shape()[a], 1};
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d < a) r.outer *= x.shape()[d];
    if (d > a) r.inner *= x.shape()[d];
  }
  Shape keep = x.shape();
  keep[a] = 1;
  r.indices = Tensor::empty(keep, DType::int64);
  if (want_values) r.values = Tensor::empty(keep, x.dtype());
  dispatch_floating(name, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const Tensor xc = ew::contiguous_data(x);
    kernels::arg_reduce_slot<T>().select(x.device())(
        op, r.outer, r.n, r.inner, xc.data<T>(), want_values ? r.values.data<T>() : nullptr, r.indices.data<int64_t>());
  });
  return r;
}

Tensor max_or_min(const char* name, ReduceOp op, const Tensor& x, int64_t axis, bool keepdims) {
  if (x.dim() == 0) {  // a scalar is its own extreme; keep the result 0-d
    normalize_axis(axis, 0, name);
    return max_or_min(name, op, x.reshape({1}), 0, false);
  }
  ExtremeResult r = arg_extreme(name, op, x, axis, true);
  const int64_t a = normalize_axis(axis, x.dim(), name);
  Tensor out = keepdims ? r.values : r.values.squeeze(a);
  // Capture only the indices and sizes: capturing r.values (possibly `out` itself) would make a cycle.
  return record(name, out, {x},
                [name, idx = r.indices, outer = r.outer, n = r.n, inner = r.inner,
                 shape = x.shape()](const Tensor& grad) -> std::vector<Tensor> {
                  Tensor dx = Tensor::empty(shape, grad.dtype());
                  dispatch_floating(name, grad.dtype(), [&](auto tag) {
                    using T = decltype(tag);
                    const Tensor g = ew::contiguous_data(grad);
                    kernels::scatter_slot<T>().select(g.device())(outer, n, inner, idx.data<int64_t>(), g.data<T>(),
                                                                  dx.data<T>());
                  });
                  return {dx};
                });
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  return sum_or_mean("sum", ReduceOp::sum, x, axes, keepdims);
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  return sum_or_mean("mean", ReduceOp::mean, x, axes, keepdims);
}

Tensor max(const Tensor& x, int64_t axis, bool keepdims) {
  return max_or_min("max", ReduceOp::max, x, axis, keepdims);
}
Tensor min(const Tensor& x, int64_t axis, bool keepdims) {
  return max_or_min("min", ReduceOp::min, x, axis, keepdims);
}

Tensor argmax(const Tensor& x, int64_t axis, bool keepdims) {
  if (x.dim() == 0) {
    normalize_axis(axis, 0, "argmax");
    return zeros({}, DType::int64);
  }
  ExtremeResult r = arg_extreme("argmax", ReduceOp::max, x, axis, false);
  return keepdims ? r.indices : r.indices.squeeze(normalize_axis(axis, x.dim(), "argmax"));
}

}  // namespace deepfin
