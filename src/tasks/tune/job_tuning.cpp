// The part of nested tuning every task kind shares: reading the job, the metric, the
// job with a configuration's values, and the error for a metric the task does not have.
#include "tasks/tune/job_tuning.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/search_space.h"

namespace deepfin::tasks::detail {

JobTuning::JobTuning(const nlohmann::json& job, std::string name, const std::string& default_metric)
    : job_(job), name_(std::move(name)), base_(parse_job_json(job, name_)) {
  metric_ = base_.tune.metric.empty() ? default_metric : base_.tune.metric;
}

std::vector<data::FoldIndices> JobTuning::folds(const std::vector<int64_t>& rows, int k, uint64_t seed) const {
  std::vector<int64_t> classes;
  classes.reserve(rows.size());
  for (int64_t r : rows) classes.push_back(classes_[static_cast<size_t>(r)]);
  std::vector<data::FoldIndices> out = data::stratified_kfold(classes, k, seed);
  for (data::FoldIndices& f : out) {  // positions within `rows` -> row indices
    for (int64_t& i : f.train) i = rows[static_cast<size_t>(i)];
    for (int64_t& i : f.test) i = rows[static_cast<size_t>(i)];
  }
  return out;
}

JobSpec JobTuning::with(const nlohmann::json& values) const {
  return parse_job_json(with_values(job_, values), name_);
}

void unknown_metric(const std::string& name, const std::string& metric, const std::string& kind,
                    const std::vector<std::string>& known) {
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  throw ConfigError(fmt::format("{}: [tune] metric '{}' is not a {} metric; there are: {}", name, metric, kind, list));
}

}  // namespace deepfin::tasks::detail
