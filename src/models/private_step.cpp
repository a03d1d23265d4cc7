// One DP-SGD step (Abadi et al. 2016): each example's gradient clipped to
// max_grad_norm, summed, Gaussian noise of std noise_multiplier * max_grad_norm
// added to every coordinate, divided by the expected batch size, then handed to
// the model's optimizer like any other gradient.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/models/model.h"
#include "deepfin/nn/activations.h"
#include "deepfin/optim/optim.h"
#include "deepfin/privacy/per_sample_gradients.h"
#include "models/private_training.h"

namespace deepfin::models {

double Model::train_step_private(const Tensor& x, const Tensor& y, const Tensor& w, detail::PrivateTraining& dp) {
  arena_.zero_grads();
  const int64_t batch = x.size(0);
  double loss_value = 0.0;
  if (batch > 0) {
    privacy::LayerwiseForward pass(layers());
    const Tensor out = pass.forward(x, /*training=*/true, fused_);
    const Tensor loss = (*train_loss_)(y, out, w);
    // The loss is a mean over the batch: seeding backward with the batch size
    // gives each example its own (sample-weighted) loss gradient.
    pass.backward(loss, full(loss.shape(), static_cast<double>(batch), loss.dtype()), /*keep_weight_gradients=*/false);
    const privacy::ClippedSum clipped = privacy::clip_and_sum(pass, dp.options().max_grad_norm, dp.options().clipping);
    arena_.zero_grads();  // Embedding's lookup adds its rows to .grad directly, whatever the pass wants
    float* grads = arena_.grads<float>();
    for (size_t k = 0; k < clipped.weights.size(); ++k) {
      const int64_t offset = arena_.offset_of(clipped.weights[k].impl());
      if (offset < 0) throw Error("fit (privacy): a clipped gradient belongs to no weight of the model");
      const Tensor g = clipped.gradients[k].to(DType::float32).contiguous();
      const float* src = g.data<float>();
      for (int64_t i = 0, n = g.numel(); i < n; ++i) grads[offset + i] = src[i];
    }
    loss_value = loss.item();
    NoGradGuard no_grad;
    const Tensor y_pred = fused_ ? activations::apply(final_activation(), out.detach()) : out.detach();
    for (const auto& m : metrics_) m->update_state(y, y_pred, w);
  }
  if (arena_.size() > 0) {
    float* grads = arena_.grads<float>();
    dp.noise().add_gaussian(grads, arena_.size(), dp.noise_multiplier() * dp.options().max_grad_norm);
    const double scale = 1.0 / dp.normalizer(batch);
    for (int64_t i = 0; i < arena_.size(); ++i) grads[i] = static_cast<float>(grads[i] * scale);
    optimizer_->apply_gradients(arena_.params<float>(), grads, arena_.size());
  }
  return loss_value;
}

}  // namespace deepfin::models
