// gather (numpy.take along one axis) with its scatter-add backward, and embedding,
// which is a gather of table rows.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/shape_ops.h"
#include "kernels/movement_slots.h"

namespace deepfin {
namespace {

// "[1, 2]": the multi-index of a flat position, so a user can find the bad label.
std::string position_str(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

int64_t product(const Shape& shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= shape[d];
  return n;
}

}  // namespace

void check_index_range(const Tensor& indices, int64_t bound, const char* op) {
  if (indices.dtype() != DType::int64)
    throw DTypeError(fmt::format("{}: indices must be int64, got {}", op, dtype_name(indices.dtype())));
  const std::vector<int64_t> values = indices.to_vector<int64_t>();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0 || values[i] >= bound)
      throw IndexError(fmt::format("{}: index {} at position {} is out of range [0, {})", op, values[i],
                                   position_str(static_cast<int64_t>(i), indices.shape()), bound));
  }
}

namespace {

// gather with `op` named in errors (embedding reuses it).
Tensor gather_along(const char* op, const Tensor& x, const Tensor& indices, int64_t axis) {
  axis = normalize_axis(axis, x.dim(), op);
  const Shape& xs = x.shape();
  check_index_range(indices, xs[axis], op);

  Shape out_shape(xs.begin(), xs.begin() + axis);
  out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
  out_shape.insert(out_shape.end(), xs.begin() + axis + 1, xs.end());
  const int64_t outer = product(xs, 0, axis);
  const int64_t inner = product(xs, axis + 1, xs.size());
  const int64_t axis_len = xs[axis];
  const int64_t n_idx = indices.numel();

  Tensor idx = indices.detach().contiguous();
  Tensor src = x.detach().contiguous();
  Tensor out = Tensor::empty(out_shape, x.dtype());
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::gather_slot<T>().select()(src.data<T>(), idx.data<int64_t>(), out.data<T>(), outer, axis_len, n_idx,
                                       inner);
  });
  if (!is_floating(x.dtype())) return out;

  return record(op, out, {x}, [idx, xs, outer, axis_len, n_idx, inner](const Tensor& g) -> std::vector<Tensor> {
    Tensor gc = g.contiguous();
    Tensor gx = zeros(xs, g.dtype());
    dispatch_floating("gather backward", g.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::gather_backward_slot<T>().select()(gc.data<T>(), idx.data<int64_t>(), gx.data<T>(), outer, axis_len,
                                                  n_idx, inner);
    });
    return {gx};
  });
}

}  // namespace

Tensor gather(const Tensor& x, const Tensor& indices, int64_t axis) {
  return gather_along("gather", x, indices, axis);
}

Tensor embedding(const Tensor& table, const Tensor& ids) {
  if (table.dim() != 2)
    throw ShapeError(fmt::format("embedding: table must be 2-D (vocab, dim), got {} (ids {})", shape_str(table.shape()),
                                 shape_str(ids.shape())));
  return gather_along("embedding", table, ids, 0);
}

}  // namespace deepfin
