// dropout_add and activation_dropout: the epilogue kernels of
// kernels/fused_dropout_slots.h behind autograd. Backward keeps only the input
// the activation's slope needs (none for dropout_add) and the dropout key.
#include "deepfin/ops/fused_dropout.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "kernels/fused_dropout_slots.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

using kernels::EpilogueActivation;
using kernels::EpilogueDropout;

void check_rate(const char* op, double rate) {
  if (!(rate >= 0.0 && rate < 1.0)) throw ValueError(fmt::format("{}: rate must be in [0, 1), got {}", op, rate));
}

EpilogueDropout draw_dropout(double rate, bool training, Generator* gen) {
  if (!training || rate == 0.0) return {};
  Generator& rng = gen ? *gen : default_generator();
  return EpilogueDropout::make(rng.next_u64(), rate);
}

// The epilogue on contiguous x (and residual), recorded for autograd on `inputs`.
Tensor run_epilogue(const char* op, const Tensor& x, const Tensor& residual, EpilogueActivation act,
                    const EpilogueDropout& drop) {
  return dispatch_floating(op, x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    const Tensor xc = ew::contiguous_data(x);
    const Tensor rc = residual.defined() ? ew::contiguous_data(residual) : Tensor();
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    kernels::epilogue_forward_slot<T>().select(x.device())({.n = x.numel(),
                                                            .x = xc.data<T>(),
                                                            .residual = rc.defined() ? rc.data<T>() : nullptr,
                                                            .out = out.data<T>(),
                                                            .activation = act,
                                                            .dropout = drop});
    std::vector<Tensor> inputs = {x};
    if (residual.defined()) inputs.push_back(residual);
    // Identity needs no input in backward; keep none alive.
    const Tensor saved = act == EpilogueActivation::identity ? Tensor() : xc;
    const bool has_residual = residual.defined();
    return record(op, out, inputs, [saved, act, drop, has_residual](const Tensor& grad) -> std::vector<Tensor> {
      const Tensor g = ew::contiguous_data(grad);
      Tensor dx = Tensor::empty(g.shape(), g.dtype());
      kernels::epilogue_backward_slot<T>().select(g.device())({.n = g.numel(),
                                                               .x = saved.defined() ? saved.data<T>() : nullptr,
                                                               .dy = g.data<T>(),
                                                               .dx = dx.data<T>(),
                                                               .activation = act,
                                                               .dropout = drop});
      if (has_residual) return {dx, grad};
      return {dx};
    });
  });
}

}  // namespace

Tensor dropout_add(const Tensor& x, const Tensor& residual, double rate, bool training, Generator* gen) {
  check_rate("dropout_add", rate);
  ew::check_floating("dropout_add", x);
  ew::check_same_dtype("dropout_add", x, residual);
  if (x.shape() != residual.shape())
    throw ShapeError(fmt::format("dropout_add: x {} and residual {} must have the same shape", shape_str(x.shape()),
                                 shape_str(residual.shape())));
  const EpilogueDropout drop = draw_dropout(rate, training, gen);
  if (!drop.active) return add(residual, x);
  return run_epilogue("dropout_add", x, residual, EpilogueActivation::identity, drop);
}

bool fused_activation_supported(const std::string& activation) {
  return activation == "gelu" || activation == "relu" || activation == "linear";
}

Tensor activation_dropout(const Tensor& x, const std::string& activation, double rate, bool training, Generator* gen) {
  check_rate("activation_dropout", rate);
  ew::check_floating("activation_dropout", x);
  if (!fused_activation_supported(activation))
    throw ValueError(
        fmt::format("activation_dropout: activation must be \"gelu\", \"relu\" or \"linear\", got \"{}\"", activation));
  const EpilogueDropout drop = draw_dropout(rate, training, gen);
  const EpilogueActivation act = activation == "gelu"   ? EpilogueActivation::gelu
                                 : activation == "relu" ? EpilogueActivation::relu
                                                        : EpilogueActivation::identity;
  if (act == EpilogueActivation::identity && !drop.active) return x;
  return run_epilogue("activation_dropout", x, Tensor(), act, drop);
}

}  // namespace deepfin
