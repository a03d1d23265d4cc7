// Losses that average one element-wise term per sample: mse, mae, huber, qlike, and the
// binary cross-entropies on logits (stable form) and on probabilities (Keras clipping).
#include <fmt/format.h>

#include <cmath>

#include "deepfin/ops/losses.h"
#include "kernels/loss_slots.h"
#include "ops/losses_internal.h"

namespace deepfin {
namespace {

using kernels::PointwiseLoss;

constexpr double kProbEpsilon = 1e-7;  // Keras's backend epsilon

Tensor pointwise_loss(const char* name, PointwiseLoss kind, double param, const Tensor& pred, const Tensor& target,
                      const Tensor& weights) {
  const loss_detail::LossArgs a = loss_detail::prepare(name, pred, target, weights, true);
  const int64_t per_sample = a.samples > 0 ? pred.numel() / a.samples : 0;
  Tensor sample_loss = Tensor::empty({a.samples}, pred.dtype());
  dispatch_floating(name, pred.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::pointwise_loss_slot<T>().select()(kind, a.pred_data.data<T>(), a.target_data.data<T>(), a.samples,
                                               per_sample, T(param), sample_loss.data<T>());
  });
  return loss_detail::finish(a, sample_loss,
                             [name, kind, param, per_sample, p = a.pred_data, t = a.target_data](
                                 const Tensor& scale, bool want_p, bool want_t) {
                               Tensor gp = want_p ? Tensor::empty(p.shape(), p.dtype()) : Tensor();
                               Tensor gt = want_t ? Tensor::empty(p.shape(), p.dtype()) : Tensor();
                               dispatch_floating(name, p.dtype(), [&](auto tag) {
                                 using T = decltype(tag);
                                 kernels::pointwise_loss_backward_slot<T>().select()(
                                     kind, p.data<T>(), t.data<T>(), scale.data<T>(), scale.numel(), per_sample,
                                     T(param), gp.defined() ? gp.data<T>() : nullptr,
                                     gt.defined() ? gt.data<T>() : nullptr);
                               });
                               return std::pair{gp, gt};
                             });
}

}  // namespace

Tensor sigmoid_binary_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weights) {
  return pointwise_loss("sigmoid_binary_cross_entropy", PointwiseLoss::binary_xent_logits, 0.0, logits, targets,
                        weights);
}

Tensor binary_cross_entropy(const Tensor& probs, const Tensor& targets, const Tensor& weights) {
  return pointwise_loss("binary_cross_entropy", PointwiseLoss::binary_xent_probs, kProbEpsilon, probs, targets,
                        weights);
}

Tensor mse_loss(const Tensor& pred, const Tensor& target, const Tensor& weights) {
  return pointwise_loss("mse_loss", PointwiseLoss::squared_error, 0.0, pred, target, weights);
}

Tensor mae_loss(const Tensor& pred, const Tensor& target, const Tensor& weights) {
  return pointwise_loss("mae_loss", PointwiseLoss::absolute_error, 0.0, pred, target, weights);
}

Tensor huber_loss(const Tensor& pred, const Tensor& target, double delta, const Tensor& weights) {
  if (!(delta > 0) || !std::isfinite(delta))
    throw ValueError(fmt::format("huber_loss: delta must be a positive number, got {}", delta));
  return pointwise_loss("huber_loss", PointwiseLoss::huber, delta, pred, target, weights);
}

Tensor qlike_loss(const Tensor& log_variance, const Tensor& target, const Tensor& weights) {
  // A negative realized variance has no log: say which element, rather than return NaN.
  if (target.defined() && is_floating(target.dtype())) {
    const Tensor t = target.contiguous();
    dispatch_floating("qlike_loss", t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* v = t.data<T>();
      for (int64_t i = 0; i < t.numel(); ++i)
        if (v[i] < 0)
          throw ValueError(fmt::format("qlike_loss: target element {} is {}, expected a realized variance >= 0", i,
                                       static_cast<double>(v[i])));
    });
  }
  return pointwise_loss("qlike_loss", PointwiseLoss::qlike, 0.0, log_variance, target, weights);
}

}  // namespace deepfin
