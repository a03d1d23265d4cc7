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
