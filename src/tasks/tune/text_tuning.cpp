// Text jobs in nested tuning: each score trains the text recipe (tokenizer, model and,
// with linear = "stack", the TF-IDF part) on some training texts and measures accuracy
// or macro-F1 on others. A job's official test file is never read.
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/text_task.h"
#include "deepfin/text/label_encoder.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks::detail {
namespace {

class TextTuning final : public JobTuning {
 public:
  TextTuning(const nlohmann::json& job, std::string name) : JobTuning(job, std::move(name), "accuracy") {
    texts_ = TextTask(base_).training_texts();
    classes_ = text::LabelEncoder::fit(texts_.labels).encode(texts_.labels);
    if (metric_ != "accuracy" && metric_ != "macro_f1")
      unknown_metric(name_, metric_, "text", {"accuracy", "macro_f1"});
  }

  double score(const nlohmann::json& values, const std::vector<int64_t>& train, const std::vector<int64_t>& test,
               uint64_t seed) const override {
    const TextTask task(with(values), texts_);
    set_random_seed(seed);
    nn::clear_session();
    const TextFit fitted = task.fit(select_texts(texts_, train), 0);
    const metrics::ClassReport report = task.evaluate(fitted.classifier, select_texts(texts_, test));
    return metric_ == "accuracy" ? report.accuracy : report.macro_f1;
  }

 private:
  text::LabelledText texts_;
};

}  // namespace

std::unique_ptr<JobTuning> text_tuning(const nlohmann::json& job, const std::string& name) {
  return std::make_unique<TextTuning>(job, name);
}

}  // namespace deepfin::tasks::detail
