#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "ops/losses_internal.h"

namespace deepfin::loss_detail {
namespace {

// Detached contiguous data in `dtype`, without a copy when it already is.
Tensor data_as(const Tensor& t, DType dtype) {
  Tensor d = t.detach();
  if (d.dtype() != dtype) d = d.to(dtype);
  return d.contiguous();
}

}  // namespace

LossArgs prepare(const char* name, const Tensor& pred, const Tensor& target, const Tensor& weights, bool same_shape) {
  if (!pred.defined() || !target.defined())
    throw ValueError(fmt::format("{}: predictions and targets are required", name));
  if (!is_floating(pred.dtype())) throw_not_floating(name, pred.dtype());
  if (pred.dim() < 1)
    throw ShapeError(fmt::format("{}: predictions {} need a batch axis (targets {})", name, shape_str(pred.shape()),
                                 shape_str(target.shape())));
  if (same_shape && pred.shape() != target.shape())
    throw ShapeError(fmt::format("{}: predictions {} and targets {} must have the same shape", name,
                                 shape_str(pred.shape()), shape_str(target.shape())));
  const int64_t n = pred.shape()[0];
  if (weights.defined() && weights.shape() != Shape{n})
    throw ShapeError(fmt::format("{}: sample weights must have shape {} for predictions {}, got {}", name,
                                 shape_str({n}), shape_str(pred.shape()), shape_str(weights.shape())));
  LossArgs args{name, pred, target, weights, {}, {}, {}, n};
  args.pred_data = data_as(pred, pred.dtype());
  // Integer targets (e.g. class ids in a sparse loss) keep their dtype.
  args.target_data = is_floating(target.dtype()) ? data_as(target, pred.dtype()) : target.detach().contiguous();
  if (weights.defined()) args.weight_data = data_as(weights, pred.dtype());
  return args;
}

Tensor finish(const LossArgs& args, const Tensor& sample_loss, LossGradFn grads) {
  const int64_t n = args.samples;
  const DType dtype = args.pred.dtype();
  const std::vector<double> losses = sample_loss.to_vector<double>();
  const std::vector<double> w =
      args.weight_data.defined() ? args.weight_data.to_vector<double>() : std::vector<double>(n, 1.0);
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) total += w[i] * losses[i];
  Tensor out = scalar_tensor(n > 0 ? total / static_cast<double>(n) : 0.0, dtype);

  std::vector<Tensor> inputs = {args.pred, args.target};
  if (args.weights.defined()) inputs.push_back(args.weights);
  const bool want_pred = any_requires_grad({args.pred});
  const bool want_target = is_floating(args.target.dtype()) && any_requires_grad({args.target});
  const DType target_dtype = args.target.dtype();
  const bool weighted = args.weights.defined();
  const DType weight_dtype = weighted ? args.weights.dtype() : dtype;

  return record(args.name, out, inputs, [=, grads = std::move(grads)](const Tensor& g) -> std::vector<Tensor> {
    const double upstream = g.item();
    const double per_sample = n > 0 ? upstream / static_cast<double>(n) : 0.0;
    std::vector<double> scale(n), weight_grad(n);
    for (int64_t i = 0; i < n; ++i) {
      scale[i] = per_sample * w[i];
      weight_grad[i] = per_sample * losses[i];
    }
    Tensor scale_t = from_vector(scale, {n}).to(dtype);
    auto [grad_pred, grad_target] = grads(scale_t, want_pred, want_target);
    if (grad_target.defined() && grad_target.dtype() != target_dtype) grad_target = grad_target.to(target_dtype);
    std::vector<Tensor> result = {grad_pred, grad_target};
    if (weighted) result.push_back(from_vector(weight_grad, {n}).to(weight_dtype));
    return result;
  });
}

}  // namespace deepfin::loss_detail
