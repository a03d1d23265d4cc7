#pragma once
// What nested tuning needs from a task: its rows, how they are cut into folds (stratified by
// class, or walk-forward in time), the metric, and the score of the job with some values
// fitted on some rows and scored on others. One implementation per task kind that
// `deepfin tune` supports.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/data/tabular/stratified.h"
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks::detail {

class JobTuning {
 public:
  // Parses `job` (the job file's JSON, named `name`); `default_metric` when [tune] names none.
  JobTuning(const nlohmann::json& job, std::string name, const std::string& default_metric);
  virtual ~JobTuning() = default;
  const JobSpec& base() const { return base_; }
  size_t num_rows() const { return classes_.size(); }
  const std::string& metric() const { return metric_; }  // higher is better
  // `k` folds over `rows` (ascending row indices); the folds hold row indices. By default
  // stratified by the rows' classes, shuffled from `seed`.
  virtual std::vector<data::FoldIndices> folds(const std::vector<int64_t>& rows, int k, uint64_t seed) const;
  // What folds.csv names each row by, beside its index (a date); empty: the index alone.
  virtual std::vector<std::string> row_names() const { return {}; }
  // A baseline scored on the same outer folds, beside the tuned job (the random walk); its
  // name, empty when the task has none.
  virtual std::string baseline_name() const { return {}; }
  virtual double baseline_score(const std::vector<int64_t>& /*test*/) const { return 0; }
  // The job with `values` set, fitted on rows `train` (from `seed`) and scored on rows `test`.
  virtual double score(const nlohmann::json& values, const std::vector<int64_t>& train,
                       const std::vector<int64_t>& test, uint64_t seed) const = 0;

 protected:
  // The job with `values` set, as the job file would read it.
  JobSpec with(const nlohmann::json& values) const;

  nlohmann::json job_;
  std::string name_;
  JobSpec base_;
  std::vector<int64_t> classes_;  // one per row, set by the task's constructor
  std::string metric_;
};

// Credit (csv or arff) jobs: any credit metric, "auc" by default.
std::unique_ptr<JobTuning> credit_tuning(const nlohmann::json& job, const std::string& name);
// Text jobs, on the training texts: "accuracy" (default) or "macro_f1".
std::unique_ptr<JobTuning> text_tuning(const nlohmann::json& job, const std::string& name);
// Series jobs, on the points before the test span, in walk-forward folds: "neg_rmse"
// (default), "neg_mape" or "directional_accuracy" of the price forecasts; with a variance
// target "neg_qlike" (default) or "neg_mse".
std::unique_ptr<JobTuning> forecast_tuning(const nlohmann::json& job, const std::string& name);

// ConfigError "<name>: [tune] metric '<metric>' is not a <kind> metric; there are: ...".
[[noreturn]] void unknown_metric(const std::string& name, const std::string& metric, const std::string& kind,
                                 const std::vector<std::string>& known);

}  // namespace deepfin::tasks::detail
