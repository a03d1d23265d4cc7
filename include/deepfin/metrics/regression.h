#pragma once
// Regression metrics over every element, weighted per sample:
//   mse = mean((y_pred - y_true)^2), mae = mean(|y_pred - y_true|), rmse = sqrt(mse).
#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {

enum class ErrorKind { squared, absolute, root_squared };

class RegressionError final : public WeightedMean {
 public:
  RegressionError(ErrorKind kind, std::string name);
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;

 private:
  ErrorKind kind_;
};

}  // namespace deepfin::metrics
