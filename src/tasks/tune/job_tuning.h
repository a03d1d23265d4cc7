#pragma once
// What nested tuning needs from a task: the rows' classes (for stratified folds), the
// metric, and the score of the job with some values fitted on some rows and scored on
// others. One implementation per task kind that `deepfin tune` supports.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks::detail {

class JobTuning {
 public:
  virtual ~JobTuning() = default;
  virtual const JobSpec& base() const = 0;
  virtual const std::vector<int64_t>& classes() const = 0;  // one per row, for stratified folds
  virtual const std::string& metric() const = 0;            // higher is better
  // The job with `values` set, fitted on rows `train` (from `seed`) and scored on rows `test`.
  virtual double score(const nlohmann::json& values, const std::vector<int64_t>& train,
                       const std::vector<int64_t>& test, uint64_t seed) const = 0;
};

// Credit (csv or arff) jobs: any credit metric, "auc" by default.
std::unique_ptr<JobTuning> credit_tuning(const nlohmann::json& job, const std::string& name);
// Text jobs, on the training texts: "accuracy" (default) or "macro_f1".
std::unique_ptr<JobTuning> text_tuning(const nlohmann::json& job, const std::string& name);

// ConfigError "<name>: [tune] metric '<metric>' is not a <kind> metric; there are: ...".
[[noreturn]] void unknown_metric(const std::string& name, const std::string& metric, const std::string& kind,
                                 const std::vector<std::string>& known);

}  // namespace deepfin::tasks::detail
