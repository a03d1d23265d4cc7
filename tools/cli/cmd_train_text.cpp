// deepfin train on a text job: the text task's fit on the training texts, then
// accuracy, macro-F1, per-class precision and recall and a confusion matrix on
// the test texts (the official split, or a stratified share), and the report.
#include <fmt/format.h>

#include "deepfin/tasks/evaluation_record.h"
#include "deepfin/tasks/text_task.h"
#include "job_commands.h"

namespace deepfin::cli {

int train_text(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed) {
  const tasks::TextTask task(job);
  const tasks::TextSplit data = task.split(seed);
  print_event(ctx,
              fmt::format("data: {} training texts from {}, {} test texts from {}", data.train.size(),
                          data.train.source, data.test.size(), data.test.source),
              nlohmann::json{{"event", "data"}, {"train", data.train.size()}, {"test", data.test.size()}});
  const tasks::TextFit fitted = task.fit(data.train, ctx.json() ? 0 : -1);
  const text_model::TextClassifier& classifier = fitted.classifier;
  if (!ctx.json()) fmt::print("{}\n", classifier.model().summary());
  if (classifier.members().size() > 1)
    print_event(
        ctx,
        fmt::format("ensemble: {} models of this architecture, their probabilities averaged{}",
                    classifier.members().size(),
                    job.text.cross_fit ? " (cross-fitted: each held out its own fold of the training texts)" : ""),
        nlohmann::json{{"event", "ensemble"}, {"members", classifier.members().size()}});
  if (const auto& linear = classifier.linear())
    print_event(
        ctx,
        fmt::format("stacked with a linear {} on TF-IDF ({} word and character n-grams, C = {:g}): weight "
                    "{:.2f}, softmax scale {:g}, fitted on the validation texts (which also chose the neural "
                    "model's best epoch, so the stacked validation accuracy below is optimistic){}",
                    linear->model.nb_scaled() ? "NB-SVM (features scaled per class by naive-Bayes ratios)" : "SVM",
                    linear->vectorizer.num_features(), linear->model.c(), linear->blend.weight, linear->blend.scale,
                    job.text.cross_fit ? "; with cross_fit, every training text is a validation text, scored by "
                                         "the member and the linear model that held it out"
                                       : ""),
        nlohmann::json{{"event", "linear"},
                       {"features", linear->vectorizer.num_features()},
                       {"c", linear->model.c()},
                       {"nb_scaled", linear->model.nb_scaled()},
                       {"weight", linear->blend.weight},
                       {"scale", linear->blend.scale}});
  if (const tasks::TextValidation& v = fitted.validation; v.rows > 0) {
    std::string parts;
    if (classifier.linear())
      parts = fmt::format(" (neural alone {:.4f}, linear alone {:.4f})", v.neural_accuracy, v.linear_accuracy);
    nlohmann::json event{
        {"event", "validation"}, {"rows", v.rows}, {"train_accuracy", v.train_accuracy}, {"accuracy", v.accuracy}};
    if (classifier.linear()) {
      event["neural_accuracy"] = v.neural_accuracy;
      event["linear_accuracy"] = v.linear_accuracy;
    }
    print_event(ctx,
                fmt::format("accuracy on the training texts {:.4f}, on {} validation texts {:.4f}{}: gap {:+.4f}",
                            v.train_accuracy, v.rows, v.accuracy, parts, v.train_accuracy - v.accuracy),
                event);
  }
  if (fitted.truncated > 0)
    print_event(ctx,
                fmt::format("note: {} training texts were longer than max_length {} tokens and were cut",
                            fitted.truncated, job.text.max_length),
                nlohmann::json{{"event", "note"}, {"truncated", fitted.truncated}});
  const metrics::ClassReport report = task.evaluate(classifier, data.test);
  print_event(ctx,
              fmt::format("test ({} texts, tokenizer vocabulary {}):\n{}  accuracy {:.4f}  macro-F1 {:.4f}\n{}",
                          data.test.size(), classifier.vocabulary_size(), metrics::format_report(report),
                          report.accuracy, report.macro_f1, floors_text(job)),
              nlohmann::json{{"event", "test"}, {"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}});
  if (job.output.write) task.write_report(job.report_dir(), data, report);
  print_privacy(ctx, classifier.model());
  tasks::record_evaluation(classifier.model(), "held-out test texts", static_cast<int64_t>(data.test.size()),
                           {{"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}}, job.data.source);
  save_job_model(ctx, job, [&](const std::string& path) { classifier.save(path); });
  return 0;
}

}  // namespace deepfin::cli
