// embedding_lookup: gather of table rows whose backward scatter-adds into the
// leaf table's .grad (see the header). Both directions use the gather kernels
// (kernels/misc_slots.h): backward with outer = 1 is exactly the scatter-add.
#include "deepfin/ops/embedding_lookup.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/shape_ops.h"
#include "kernels/movement_slots.h"

namespace deepfin {
namespace {

// table.grad() when gradient rows can be added into it in place: contiguous, of
// the table's shape and dtype; created as zeros when the table has none yet.
Tensor accumulator_of(Tensor table) {
  Tensor acc = table.grad();
  if (!acc.defined()) {
    table.set_grad(zeros(table.shape(), table.dtype()));
    return table.grad();
  }
  if (!acc.is_contiguous() || acc.shape() != table.shape() || acc.dtype() != table.dtype()) return Tensor();
  return acc;
}

}  // namespace

Tensor embedding_lookup(const Tensor& table, const Tensor& ids) {
  if (table.dim() != 2)
    throw ShapeError(fmt::format("embedding_lookup: table must be 2-D (vocab, dim), got {} (ids {})",
                                 shape_str(table.shape()), shape_str(ids.shape())));
  if (!is_floating(table.dtype()))
    throw DTypeError(fmt::format("embedding_lookup: table must be floating point, got {}", dtype_name(table.dtype())));
  const int64_t vocab = table.size(0), dim = table.size(1), n = ids.numel();
  check_index_range(ids, vocab, "embedding_lookup");

  Shape out_shape = ids.shape();
  out_shape.push_back(dim);
  const Tensor idx = ids.detach().contiguous();
  const Tensor src = table.detach().contiguous();
  Tensor out = Tensor::empty(out_shape, table.dtype());
  dispatch_floating("embedding_lookup", table.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::gather_slot<T>().select()(src.data<T>(), idx.data<int64_t>(), out.data<T>(), 1, vocab, n, dim);
  });

  const bool leaf = !table.grad_fn();
  return record("embedding_lookup", out, {table}, [table, leaf, idx, vocab, dim, n](const Tensor& g) {
    const Tensor gc = g.contiguous();
    Tensor acc = leaf ? accumulator_of(table) : Tensor();
    const bool in_place = acc.defined();
    if (!in_place) acc = zeros(table.shape(), gc.dtype());
    dispatch_floating("embedding_lookup backward", gc.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::gather_backward_slot<T>().select()(gc.data<T>(), idx.data<int64_t>(), acc.data<T>(), 1, vocab, n, dim);
    });
    // Added in place already: nothing for the engine to accumulate.
    return std::vector<Tensor>{in_place ? Tensor() : acc};
  });
}

}  // namespace deepfin
