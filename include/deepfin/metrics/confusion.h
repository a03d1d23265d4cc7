#pragma once
// Binary precision and recall over every element, counting y_pred > threshold as a
// positive prediction and y_true != 0 as a positive label (Keras's rule), with
// weighted counts. Both are 0 while their denominator is 0.
#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {

class ConfusionCounts : public Metric {
 public:
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  void reset_state() override { tp_ = fp_ = fn_ = tn_ = 0.0; }
  std::string name() const override { return name_; }
  std::vector<double> state() const override { return {tp_, fp_, fn_, tn_}; }
  void merge_state(const std::vector<double>& state) override;

 protected:
  ConfusionCounts(std::string name, double threshold) : name_(std::move(name)), threshold_(threshold) {}
  double tp_ = 0, fp_ = 0, fn_ = 0, tn_ = 0;

 private:
  std::string name_;
  double threshold_;
};

class Precision final : public ConfusionCounts {
 public:
  explicit Precision(std::string name = "precision", double threshold = 0.5)
      : ConfusionCounts(std::move(name), threshold) {}
  double result() const override { return tp_ + fp_ > 0 ? tp_ / (tp_ + fp_) : 0.0; }
};

class Recall final : public ConfusionCounts {
 public:
  explicit Recall(std::string name = "recall", double threshold = 0.5) : ConfusionCounts(std::move(name), threshold) {}
  double result() const override { return tp_ + fn_ > 0 ? tp_ / (tp_ + fn_) : 0.0; }
};

}  // namespace deepfin::metrics
