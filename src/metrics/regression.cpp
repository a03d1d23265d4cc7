#include "deepfin/metrics/regression.h"

#include <cmath>

#include "metrics/host_batch.h"

namespace deepfin::metrics {

RegressionError::RegressionError(ErrorKind kind, std::string name) : WeightedMean(std::move(name)), kind_(kind) {}

void RegressionError::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  const auto b = detail::elementwise_batch(y_true, y_pred, sample_weight, name());
  for (size_t e = 0; e < b.y_pred.size(); ++e) {
    const double err = b.y_pred[e] - b.y_true[e];
    add(kind_ == ErrorKind::absolute ? std::abs(err) : err * err, b.weight_of(e));
  }
}

double RegressionError::result() const {
  const double mean = WeightedMean::result();
  return kind_ == ErrorKind::root_squared ? std::sqrt(mean) : mean;
}

}  // namespace deepfin::metrics
