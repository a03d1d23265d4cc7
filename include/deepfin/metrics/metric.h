#pragma once
// Keras-style streaming metrics: update_state() once per batch, result() at any
// time, reset_state() between epochs. Computed on the host with double
// accumulators; a sample_weight (N) (or (N, 1)) weighs every value of its sample.
#include <memory>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::metrics {

class Metric {
 public:
  virtual ~Metric() = default;
  virtual void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) = 0;
  virtual double result() const = 0;
  virtual void reset_state() = 0;
  // The Keras log key, e.g. "accuracy", "auc".
  virtual std::string name() const = 0;
  // Data-parallel training gives each process part of the data: state() is what
  // this metric has accumulated, as numbers, and merge_state(other.state())
  // makes it the metric that saw both parts (sums, or for AUC the union).
  virtual std::vector<double> state() const = 0;
  // ValueError for a state of the wrong shape (from another kind of metric).
  virtual void merge_state(const std::vector<double>& state) = 0;
};

// A weighted running mean: sum(w * value) / sum(w), 0 before any weight arrives (Keras's divide_no_nan).
class WeightedMean : public Metric {
 public:
  explicit WeightedMean(std::string name) : name_(std::move(name)) {}
  double result() const override { return weight_ > 0 ? total_ / weight_ : 0.0; }
  void reset_state() override { total_ = weight_ = 0.0; }
  std::string name() const override { return name_; }
  void add(double value, double weight = 1.0) {
    total_ += value * weight;
    weight_ += weight;
  }
  std::vector<double> state() const override { return {total_, weight_}; }
  void merge_state(const std::vector<double>& state) override;

 private:
  std::string name_;
  double total_ = 0.0;
  double weight_ = 0.0;
};

// keras.metrics.Mean: the weighted mean of the values in the FIRST argument (y_pred is ignored), e.g.
// to track a loss over an epoch. add(value, weight) does the same for one number.
class Mean final : public WeightedMean {
 public:
  explicit Mean(std::string name = "mean") : WeightedMean(std::move(name)) {}
  void update_state(const Tensor& values, const Tensor& unused = {}, const Tensor& sample_weight = {}) override;
};

}  // namespace deepfin::metrics
