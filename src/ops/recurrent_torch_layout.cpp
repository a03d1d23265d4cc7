// PyTorch -> Keras recurrent weight layout (docs/recurrent_layout.md is the table).
// Built from differentiable views and concat so torch-layout gradients flow back.
#include <fmt/format.h>

#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/recurrent.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin {
namespace {

// Torch GRU blocks [r, z, n] -> Keras [z, r, h] along `axis`.
Tensor gru_blocks_to_keras(const Tensor& t, int64_t axis, int64_t units) {
  return concat({t.slice(axis, units, 2 * units), t.slice(axis, 0, units), t.slice(axis, 2 * units, 3 * units)}, axis);
}

}  // namespace

KerasRecurrentWeights keras_weights_from_torch(RecurrentKind kind, const Tensor& weight_ih, const Tensor& weight_hh,
                                               const Tensor& bias_ih, const Tensor& bias_hh) {
  const int64_t gates = kind == RecurrentKind::lstm ? 4 : kind == RecurrentKind::gru ? 3 : 1;
  if (weight_hh.dim() != 2 || weight_hh.size(0) != gates * weight_hh.size(1) || weight_ih.dim() != 2 ||
      weight_ih.size(0) != weight_hh.size(0))
    throw ShapeError(
        fmt::format("keras_weights_from_torch: weight_ih {} and weight_hh {} are not ({} * U, F) and "
                    "({} * U, U)",
                    shape_str(weight_ih.shape()), shape_str(weight_hh.shape()), gates, gates));
  const int64_t U = weight_hh.size(1);
  KerasRecurrentWeights w;
  if (kind == RecurrentKind::gru) {
    w.kernel = gru_blocks_to_keras(weight_ih, 0, U).transpose(0, 1);
    w.recurrent_kernel = gru_blocks_to_keras(weight_hh, 0, U).transpose(0, 1);
    if (bias_ih.defined()) w.bias = stack({gru_blocks_to_keras(bias_ih, 0, U), gru_blocks_to_keras(bias_hh, 0, U)}, 0);
  } else {
    w.kernel = weight_ih.transpose(0, 1);
    w.recurrent_kernel = weight_hh.transpose(0, 1);
    if (bias_ih.defined()) w.bias = add(bias_ih, bias_hh);
  }
  return w;
}

}  // namespace deepfin
