// Text jobs in nested tuning: each score trains the text recipe (tokenizer, model and,
// with linear = "stack", the TF-IDF part) on some training texts and measures accuracy
// or macro-F1 on others. A job's official test file is never read.
#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/search_space.h"
#include "deepfin/tasks/text_task.h"
#include "deepfin/text/label_encoder.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks::detail {
namespace {

class TextTuning final : public JobTuning {
 public:
  TextTuning(const nlohmann::json& job, std::string name)
      : job_(job), name_(std::move(name)), base_(parse_job_json(job, name_)) {
    texts_ = TextTask(base_).training_texts();
    classes_ = text::LabelEncoder::fit(texts_.labels).encode(texts_.labels);
    metric_ = base_.tune.metric.empty() ? "accuracy" : base_.tune.metric;
    if (metric_ != "accuracy" && metric_ != "macro_f1")
      unknown_metric(name_, metric_, "text", {"accuracy", "macro_f1"});
  }
  const JobSpec& base() const override { return base_; }
  const std::vector<int64_t>& classes() const override { return classes_; }
  const std::string& metric() const override { return metric_; }

  double score(const nlohmann::json& values, const std::vector<int64_t>& train, const std::vector<int64_t>& test,
               uint64_t seed) const override {
    const JobSpec spec = parse_job_json(with_values(job_, values), name_);
    const TextTask task(spec, texts_);
    set_random_seed(seed);
    nn::clear_session();
    const TextFit fitted = task.fit(select_texts(texts_, train), 0);
    const metrics::ClassReport report = task.evaluate(fitted.classifier, select_texts(texts_, test));
    return metric_ == "accuracy" ? report.accuracy : report.macro_f1;
  }

 private:
  nlohmann::json job_;
  std::string name_;
  JobSpec base_;
  text::LabelledText texts_;
  std::vector<int64_t> classes_;
  std::string metric_;
};

}  // namespace

std::unique_ptr<JobTuning> text_tuning(const nlohmann::json& job, const std::string& name) {
  return std::make_unique<TextTuning>(job, name);
}

}  // namespace deepfin::tasks::detail
