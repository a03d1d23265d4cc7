#include "deepfin/losses/loss.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/ops/losses.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::losses {

namespace {

// Keras's squeeze_or_expand: y_true may lack y_pred's trailing axis of size 1, or have one extra.
Tensor align_targets(const Tensor& y_true, const Tensor& y_pred) {
  if (!y_true.defined() || !y_pred.defined()) return y_true;
  if (y_true.dim() + 1 == y_pred.dim() && y_pred.size(-1) == 1) return y_true.unsqueeze(-1);
  if (y_true.dim() == y_pred.dim() + 1 && y_true.size(-1) == 1) return y_true.squeeze(-1);
  return y_true;
}

// Class ids as int64 with y_pred's shape minus the class axis.
Tensor sparse_labels(const Tensor& y_true, const Tensor& y_pred) {
  Tensor labels = y_true;
  if (labels.defined() && labels.dim() == y_pred.dim() && labels.dim() > 0 && labels.size(-1) == 1)
    labels = labels.squeeze(-1);
  if (labels.defined() && labels.dtype() != DType::int64) labels = labels.detach().to(DType::int64);
  return labels;
}

// Sample weights given as (N, 1) become (N).
Tensor per_sample(const Tensor& w) {
  if (w.defined() && w.dim() == 2 && w.size(1) == 1) return w.squeeze(1);
  return w;
}

}  // namespace

nlohmann::json Loss::get_config() const {
  return {{"name", name_}, {"reduction", "sum_over_batch_size"}, {"from_logits", from_logits_}};
}

Tensor CategoricalCrossentropy::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  if (from_logits()) return softmax_cross_entropy(y_pred, y_true, per_sample(w));
  return categorical_cross_entropy(y_pred, y_true, per_sample(w));
}

Tensor SparseCategoricalCrossentropy::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  const Tensor labels = sparse_labels(y_true, y_pred);
  if (from_logits()) return sparse_softmax_cross_entropy(y_pred, labels, per_sample(w));
  if (!y_pred.defined() || y_pred.dim() < 2)
    throw ShapeError(fmt::format("sparse_categorical_crossentropy: predictions must be (N, ..., C), got {}",
                                 y_pred.defined() ? shape_str(y_pred.shape()) : std::string("undefined")));
  // On probabilities: the categorical loss against one-hot targets (one_hot checks the id range).
  return categorical_cross_entropy(y_pred, one_hot(labels, y_pred.size(-1), y_pred.dtype()), per_sample(w));
}

Tensor BinaryCrossentropy::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  const Tensor t = align_targets(y_true, y_pred);
  if (from_logits()) return sigmoid_binary_cross_entropy(y_pred, t, per_sample(w));
  return binary_cross_entropy(y_pred, t, per_sample(w));
}

Tensor MeanSquaredError::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  return mse_loss(y_pred, align_targets(y_true, y_pred), per_sample(w));
}

Tensor QLike::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  return qlike_loss(y_pred, align_targets(y_true, y_pred), per_sample(w));
}

Tensor MeanAbsoluteError::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  return mae_loss(y_pred, align_targets(y_true, y_pred), per_sample(w));
}

Huber::Huber(double delta) : Loss("huber", false), delta_(delta) {
  if (!(delta > 0)) throw ValueError(fmt::format("Huber: delta must be > 0, got {:.6f}", delta));
}

Tensor Huber::operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& w) const {
  return huber_loss(y_pred, align_targets(y_true, y_pred), delta_, per_sample(w));
}

nlohmann::json Huber::get_config() const {
  nlohmann::json c = Loss::get_config();
  c["delta"] = delta_;
  return c;
}

}  // namespace deepfin::losses
