#pragma once
// Accuracy metrics, as Keras computes them, each a weighted mean over every prediction:
//   categorical: argmax(y_true) == argmax(y_pred) over the last axis (first max wins ties)
//   sparse:      y_true class id == argmax(y_pred); y_true (N, ...) or (N, ..., 1)
//   binary:      (y_pred > threshold) == y_true, element-wise
//   auto:        picks one per batch by Keras's rule for "accuracy": binary when y_pred's last axis is 1,
//                sparse when y_true has fewer axes / a trailing 1 / is int64, else categorical.
#include <string>

#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {

enum class AccuracyKind { automatic, categorical, sparse_categorical, binary };

class Accuracy final : public WeightedMean {
 public:
  explicit Accuracy(AccuracyKind kind, std::string name = "", double threshold = 0.5);
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  AccuracyKind kind() const { return kind_; }

 private:
  AccuracyKind kind_;
  double threshold_;
};

}  // namespace deepfin::metrics
