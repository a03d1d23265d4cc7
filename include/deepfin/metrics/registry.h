#pragma once
// Metrics by the names compile() takes. "accuracy" / "acc" resolve like Keras:
//   loss sparse_categorical_crossentropy → sparse_categorical_accuracy
//   loss categorical_crossentropy        → categorical_accuracy
//   loss binary_crossentropy, or an output whose last axis is 1 → binary_accuracy (threshold 0.5)
//   otherwise decided from each batch (int64 or rank-reduced y_true → sparse, else categorical).
// Other names: categorical_accuracy, sparse_categorical_accuracy, binary_accuracy, precision, recall,
// auc, mse / mean_squared_error, mae / mean_absolute_error, rmse / root_mean_squared_error.
// The metric's name() is the name as given (the Keras log key). Unknown → ConfigError listing valid names.
#include <memory>
#include <string>

#include "deepfin/core/shape.h"
#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {

std::shared_ptr<Metric> get(const std::string& name, const std::string& loss_name = "", const Shape& output_shape = {});

}  // namespace deepfin::metrics
