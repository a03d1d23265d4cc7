#include "deepfin/tasks/fit_setup.h"

#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"

namespace deepfin::tasks {

std::map<int64_t, double> balanced_class_weights(const std::vector<int64_t>& classes) {
  std::map<int64_t, double> count;
  for (int64_t c : classes) count[c] += 1;
  std::map<int64_t, double> weights;
  for (const auto& [c, n] : count)
    weights[c] = static_cast<double>(classes.size()) / (static_cast<double>(count.size()) * n);
  return weights;
}

models::FitOptions fit_options(const FitSpec& fit, std::optional<std::pair<Tensor, Tensor>> validation_data,
                               const std::vector<int64_t>& classes, const std::string& history_csv, int verbose) {
  models::FitOptions o;
  o.epochs = fit.epochs;
  o.batch_size = fit.batch_size;
  o.shuffle = fit.shuffle;
  o.verbose = verbose >= 0 ? verbose : fit.verbose;
  o.validation_split = fit.validation_split;
  o.validation_data = std::move(validation_data);
  o.class_weight = fit.balanced_class_weight ? balanced_class_weights(classes) : fit.class_weight;
  o.privacy = fit.privacy;
  o.checkpoint = fit.checkpoint;
  if (fit.early_stopping) o.callbacks.push_back(std::make_shared<train::EarlyStopping>(*fit.early_stopping));
  if (!history_csv.empty()) o.callbacks.push_back(std::make_shared<train::CSVLogger>(history_csv));
  return o;
}

}  // namespace deepfin::tasks
