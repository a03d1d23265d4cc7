// Credit jobs in nested tuning: each score fits the credit recipe on some rows of the
// job's table and reads one credit metric on others.
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/credit_task.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks::detail {
namespace {

class CreditTuning final : public JobTuning {
 public:
  CreditTuning(const nlohmann::json& job, std::string name) : JobTuning(job, std::move(name), "auc") {
    const CreditTask task(base_);
    table_ = task.read_table();
    classes_ = task.classes(table_);
  }

  double score(const nlohmann::json& values, const std::vector<int64_t>& train, const std::vector<int64_t>& test,
               uint64_t seed) const override {
    const CreditTask task(with(values), table_);
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
  data::Table table_;
};

}  // namespace

std::unique_ptr<JobTuning> credit_tuning(const nlohmann::json& job, const std::string& name) {
  return std::make_unique<CreditTuning>(job, name);
}

}  // namespace deepfin::tasks::detail
