// Credit jobs in nested tuning: each score fits the credit recipe on some rows of the
// job's table and reads one credit metric on others.
#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/search_space.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks::detail {
namespace {

class CreditTuning final : public JobTuning {
 public:
  CreditTuning(const nlohmann::json& job, std::string name)
      : job_(job), name_(std::move(name)), base_(parse_job_json(job, name_)) {
    const CreditTask task(base_);
    table_ = task.read_table();
    classes_ = task.classes(table_);
    metric_ = base_.tune.metric.empty() ? "auc" : base_.tune.metric;
  }
  const JobSpec& base() const override { return base_; }
  const std::vector<int64_t>& classes() const override { return classes_; }
  const std::string& metric() const override { return metric_; }

  double score(const nlohmann::json& values, const std::vector<int64_t>& train, const std::vector<int64_t>& test,
               uint64_t seed) const override {
    const JobSpec spec = parse_job_json(with_values(job_, values), name_);
    const CreditTask task(spec, table_);
    set_random_seed(seed);
    nn::clear_session();
    const CreditFit fitted = task.fit(table_.select_rows(train), seed, 0);
    const std::map<std::string, double> m = task.evaluate(fitted.model, table_.select_rows(test));
    const auto it = m.find(metric_);
    if (it == m.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : m) known.push_back(k);
      unknown_metric(name_, metric_, "credit", known);
    }
    return it->second;
  }

 private:
  nlohmann::json job_;
  std::string name_;
  JobSpec base_;
  data::Table table_;
  std::vector<int64_t> classes_;
  std::string metric_;
};

}  // namespace

std::unique_ptr<JobTuning> credit_tuning(const nlohmann::json& job, const std::string& name) {
  return std::make_unique<CreditTuning>(job, name);
}

void unknown_metric(const std::string& name, const std::string& metric, const std::string& kind,
                    const std::vector<std::string>& known) {
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  throw ConfigError(fmt::format("{}: [tune] metric '{}' is not a {} metric; there are: {}", name, metric, kind, list));
}

}  // namespace deepfin::tasks::detail
