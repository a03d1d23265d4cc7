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
  // Parses `job` (the job file's JSON, named `name`); `default_metric` when [tune] names none.
  JobTuning(const nlohmann::json& job, std::string name, const std::string& default_metric);
  virtual ~JobTuning() = default;
  const JobSpec& base() const { return base_; }
  const std::vector<int64_t>& classes() const { return classes_; }  // one per row, for stratified folds
  const std::string& metric() const { return metric_; }             // higher is better
  // The job with `values` set, fitted on rows `train` (from `seed`) and scored on rows `test`.
  virtual double score(const nlohmann::json& values, const std::vector<int64_t>& train,
                       const std::vector<int64_t>& test, uint64_t seed) const = 0;

 protected:
  // The job with `values` set, as the job file would read it.
  JobSpec with(const nlohmann::json& values) const;

  nlohmann::json job_;
  std::string name_;
  JobSpec base_;
  std::vector<int64_t> classes_;  // set by the task's constructor
  std::string metric_;
};

// Credit (csv or arff) jobs: any credit metric, "auc" by default.
std::unique_ptr<JobTuning> credit_tuning(const nlohmann::json& job, const std::string& name);
// Text jobs, on the training texts: "accuracy" (default) or "macro_f1".
std::unique_ptr<JobTuning> text_tuning(const nlohmann::json& job, const std::string& name);

// ConfigError "<name>: [tune] metric '<metric>' is not a <kind> metric; there are: ...".
[[noreturn]] void unknown_metric(const std::string& name, const std::string& metric, const std::string& kind,
                                 const std::vector<std::string>& known);

}  // namespace deepfin::tasks::detail
