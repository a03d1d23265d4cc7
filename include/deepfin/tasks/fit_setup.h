#pragma once
// What every task does the same way before model.fit(): the job's [fit] as
// models::FitOptions, and "balanced" class weights. Written once here.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/models/options.h"
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// scikit-learn's "balanced" rule, n_samples / (n_classes * n_c), over the classes that occur.
std::map<int64_t, double> balanced_class_weights(const std::vector<int64_t>& classes);

// FitOptions from [fit]. Each epoch is validated on `validation_data` when given
// (else on fit.validation_split, Keras's last share, when > 0). Class weights:
// balanced ones computed from `classes`, or the explicit table. A CSVLogger is
// added for a non-empty `history_csv`; verbose >= 0 overrides [fit] verbose.
models::FitOptions fit_options(const FitSpec& fit, std::optional<std::pair<Tensor, Tensor>> validation_data,
                               const std::vector<int64_t>& classes, const std::string& history_csv, int verbose = -1);

}  // namespace deepfin::tasks
