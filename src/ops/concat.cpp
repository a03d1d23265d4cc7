// concat and stack. The backward of concat hands each input its slice of the
// gradient; stack is concat of unsqueezed views, so it needs no backward of its own.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/shape_ops.h"
#include "kernels/movement_slots.h"

namespace deepfin {
namespace {

void check_inputs_defined(const char* op, const std::vector<Tensor>& tensors) {
  if (tensors.empty()) throw ValueError(fmt::format("{}: needs at least one tensor", op));
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!tensors[i].defined()) throw ValueError(fmt::format("{}: tensor {} is undefined", op, i));
  for (size_t i = 1; i < tensors.size(); ++i)
    if (tensors[i].dtype() != tensors[0].dtype())
      throw DTypeError(fmt::format("{}: tensor {} is {} but tensor 0 is {}", op, i, dtype_name(tensors[i].dtype()),
                                   dtype_name(tensors[0].dtype())));
}

}  // namespace

Tensor concat(const std::vector<Tensor>& tensors, int64_t axis) {
  check_inputs_defined("concat", tensors);
  const Shape& first = tensors[0].shape();
  axis = normalize_axis(axis, tensors[0].dim(), "concat");
  Shape out_shape = first;
  out_shape[axis] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Shape& s = tensors[i].shape();
    bool compatible = s.size() == first.size();
    for (size_t d = 0; compatible && d < s.size(); ++d)
      compatible = static_cast<int64_t>(d) == axis || s[d] == first[d];
    if (!compatible)
      throw ShapeError(fmt::format("concat: tensor {} has shape {} but tensor 0 has {}; only axis {} may differ", i,
                                   shape_str(s), shape_str(first), axis));
    out_shape[axis] += s[axis];
  }

  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= first[d];
  for (size_t d = axis + 1; d < first.size(); ++d) inner *= first[d];
  const int64_t out_cols = out_shape[axis] * inner;

  Tensor out = Tensor::empty(out_shape, tensors[0].dtype());
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    auto copy = kernels::concat_copy_slot<T>().select();
    int64_t col = 0;
    for (const Tensor& t : tensors) {
      Tensor src = t.detach().contiguous();
      const int64_t cols = t.shape()[axis] * inner;
      copy(src.data<T>(), out.data<T>(), outer, cols, out_cols, col);
      col += cols;
    }
  });

  std::vector<int64_t> lengths;
  for (const Tensor& t : tensors) lengths.push_back(t.shape()[axis]);
  return record("concat", out, tensors, [lengths, axis](const Tensor& g) {
    std::vector<Tensor> grads;
    int64_t start = 0;
    for (int64_t len : lengths) {
      grads.push_back(g.slice(axis, start, start + len).contiguous());
      start += len;
    }
    return grads;
  });
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t axis) {
  check_inputs_defined("stack", tensors);
  const Shape& first = tensors[0].shape();
  for (size_t i = 1; i < tensors.size(); ++i)
    if (tensors[i].shape() != first)
      throw ShapeError(fmt::format("stack: tensor {} has shape {} but tensor 0 has {}; all must match", i,
                                   shape_str(tensors[i].shape()), shape_str(first)));
  axis = normalize_axis(axis, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> expanded;
  expanded.reserve(tensors.size());
  for (const Tensor& t : tensors) expanded.push_back(t.unsqueeze(axis));
  return concat(expanded, axis);
}

}  // namespace deepfin
