#include "deepfin/metrics/accuracy.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "metrics/host_batch.h"

namespace deepfin::metrics {

namespace {

const char* default_name(AccuracyKind kind) {
  switch (kind) {
    case AccuracyKind::categorical:
      return "categorical_accuracy";
    case AccuracyKind::sparse_categorical:
      return "sparse_categorical_accuracy";
    case AccuracyKind::binary:
      return "binary_accuracy";
    default:
      return "accuracy";
  }
}

// Keras's rule for a bare "accuracy", applied to one batch.
AccuracyKind resolve(const Tensor& y_true, const Tensor& y_pred) {
  if (y_pred.dim() == 0 || y_pred.size(-1) == 1 || y_pred.dim() == 1) return AccuracyKind::binary;
  if (y_true.dtype() == DType::int64 || y_true.dim() < y_pred.dim() || y_true.size(-1) == 1)
    return AccuracyKind::sparse_categorical;
  return AccuracyKind::categorical;
}

size_t argmax_row(const std::vector<double>& v, size_t row, size_t classes) {
  size_t best = 0;
  for (size_t c = 1; c < classes; ++c)
    if (v[row * classes + c] > v[row * classes + best]) best = c;
  return best;
}

}  // namespace

Accuracy::Accuracy(AccuracyKind kind, std::string name, double threshold)
    : WeightedMean(name.empty() ? default_name(kind) : std::move(name)), kind_(kind), threshold_(threshold) {}

void Accuracy::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  detail::require_defined(y_true, y_pred, name());
  const AccuracyKind kind = kind_ == AccuracyKind::automatic ? resolve(y_true, y_pred) : kind_;
  if (kind == AccuracyKind::binary) {
    const auto b = detail::elementwise_batch(y_true, y_pred, sample_weight, name());
    for (size_t e = 0; e < b.y_pred.size(); ++e)
      add((b.y_pred[e] > threshold_ ? 1.0 : 0.0) == b.y_true[e] ? 1.0 : 0.0, b.weight_of(e));
    return;
  }
  if (y_pred.dim() < 2)
    throw ShapeError(fmt::format("{}: y_pred must be (N, ..., C), got {} (y_true {})", name(),
                                 shape_str(y_pred.shape()), shape_str(y_true.shape())));
  Shape row_shape(y_pred.shape().begin(), y_pred.shape().end() - 1);  // y_pred without the class axis
  Tensor t = y_true;
  if (kind == AccuracyKind::sparse_categorical && t.dim() == y_pred.dim() && t.size(-1) == 1) t = t.squeeze(-1);
  const Shape expected = kind == AccuracyKind::categorical ? y_pred.shape() : row_shape;
  if (t.shape() != expected)
    throw ShapeError(fmt::format("{}: y_true {} does not fit y_pred {} (expected y_true {})", name(),
                                 shape_str(y_true.shape()), shape_str(y_pred.shape()), shape_str(expected)));
  const size_t classes = static_cast<size_t>(y_pred.size(-1));
  const size_t rows = static_cast<size_t>(shape_numel(row_shape));
  const int64_t samples = y_pred.size(0);
  const auto weights = detail::sample_weights(sample_weight, samples, y_pred.shape(), name());
  const size_t rows_per_sample = samples > 0 ? rows / static_cast<size_t>(samples) : 1;
  const auto pred = y_pred.to_vector<double>();
  const auto truth = t.to_vector<double>();
  for (size_t r = 0; r < rows; ++r) {
    const size_t predicted = argmax_row(pred, r, classes);
    const double label =
        kind == AccuracyKind::categorical ? static_cast<double>(argmax_row(truth, r, classes)) : truth[r];
    add(label == static_cast<double>(predicted) ? 1.0 : 0.0, weights[r / rows_per_sample]);
  }
}

}  // namespace deepfin::metrics
