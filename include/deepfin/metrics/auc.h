#pragma once
// Exact ROC AUC. Every (score, label, weight) seen since reset_state is kept; result()
// sorts the scores and sums trapezoids over groups of tied scores, which equals the
// weighted Mann-Whitney statistic with ties counted 1/2:
//   AUC = sum_{pos i, neg j} w_i w_j ([s_i > s_j] + 0.5 [s_i == s_j]) / (W_pos W_neg)
// Labels: y_true != 0 is positive. All elements count (multi-output predictions are flattened,
// like Keras's AUC with multi_label = false). 0 while there are no positives or no negatives;
// NaN when any score is NaN.
#include <vector>

#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {

class AUC final : public Metric {
 public:
  explicit AUC(std::string name = "auc") : name_(std::move(name)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  void reset_state() override { entries_.clear(); }
  std::string name() const override { return name_; }
  // (score, weight, positive) triples.
  std::vector<double> state() const override;
  void merge_state(const std::vector<double>& state) override;

 private:
  struct Entry {
    double score;
    double weight;
    bool positive;
  };
  std::string name_;
  std::vector<Entry> entries_;
};

}  // namespace deepfin::metrics
