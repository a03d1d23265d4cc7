#include "deepfin/metrics/registry.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/metrics/accuracy.h"
#include "deepfin/metrics/auc.h"
#include "deepfin/metrics/confusion.h"
#include "deepfin/metrics/regression.h"

namespace deepfin::metrics {

namespace {
constexpr const char* kValidNames =
    "accuracy (acc), categorical_accuracy, sparse_categorical_accuracy, binary_accuracy, precision, recall, auc, "
    "mse (mean_squared_error), mae (mean_absolute_error), rmse (root_mean_squared_error)";

AccuracyKind accuracy_for(const std::string& loss_name, const Shape& output_shape) {
  const std::string loss = config::normalize_name(loss_name);
  if (loss == "sparsecategoricalcrossentropy") return AccuracyKind::sparse_categorical;
  if (loss == "categoricalcrossentropy") return AccuracyKind::categorical;
  if (loss == "binarycrossentropy") return AccuracyKind::binary;
  if (!output_shape.empty() && output_shape.back() == 1) return AccuracyKind::binary;
  return AccuracyKind::automatic;
}
}  // namespace

std::shared_ptr<Metric> get(const std::string& name, const std::string& loss_name, const Shape& output_shape) {
  const std::string key = config::normalize_name(name);
  if (key == "accuracy" || key == "acc") return std::make_shared<Accuracy>(accuracy_for(loss_name, output_shape), name);
  if (key == "categoricalaccuracy") return std::make_shared<Accuracy>(AccuracyKind::categorical, name);
  if (key == "sparsecategoricalaccuracy") return std::make_shared<Accuracy>(AccuracyKind::sparse_categorical, name);
  if (key == "binaryaccuracy") return std::make_shared<Accuracy>(AccuracyKind::binary, name);
  if (key == "precision") return std::make_shared<Precision>(name);
  if (key == "recall") return std::make_shared<Recall>(name);
  if (key == "auc") return std::make_shared<AUC>(name);
  if (key == "mse" || key == "meansquarederror") return std::make_shared<RegressionError>(ErrorKind::squared, name);
  if (key == "mae" || key == "meanabsoluteerror") return std::make_shared<RegressionError>(ErrorKind::absolute, name);
  if (key == "rmse" || key == "rootmeansquarederror")
    return std::make_shared<RegressionError>(ErrorKind::root_squared, name);
  throw ConfigError(fmt::format("unknown metric '{}'; valid names: {}", name, kValidNames));
}

}  // namespace deepfin::metrics
