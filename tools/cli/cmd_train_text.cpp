// deepfin train on a text job: tokenizer and model fitted on the training texts,
// then accuracy, macro-F1, per-class precision and recall and a confusion
// matrix on the test texts (the official split, or a stratified share).
#include <fmt/format.h>

#include "deepfin/data/tabular/stratified.h"
#include "deepfin/io/atomic_file.h"
#include "deepfin/report/confusion_figure.h"
#include "output_paths.h"
#include "text_commands.h"
#include "text_job.h"

namespace deepfin::cli {

std::pair<text::LabelledText, text::LabelledText> load_text_split(const TextSpec& spec, uint64_t seed) {
  text::LabelledText all = read_labelled(spec, spec.train);
  if (!spec.test.empty()) return {std::move(all), read_labelled(spec, spec.test)};
  const auto parts = data::stratified_split(label_classes(all.labels), spec.test_split, seed);
  return {select_texts(all, parts.train), select_texts(all, parts.test)};
}

int run_train_text(const RunContext& ctx, const JobSpec& job, uint64_t seed) {
  const auto [train, test] = load_text_split(job.text, seed);
  print_event(ctx,
              fmt::format("data: {} training texts from {}, {} test texts from {}", train.size(), train.source,
                          test.size(), test.source),
              nlohmann::json{{"event", "data"}, {"train", train.size()}, {"test", test.size()}});
  TextFit fitted = fit_text(job, train, ctx.json() ? 0 : -1);
  const text::TextClassifier& classifier = fitted.classifier;
  if (!ctx.json()) fmt::print("{}\n", classifier.model().summary());
  if (classifier.members().size() > 1)
    print_event(ctx,
                fmt::format("ensemble: {} models of this architecture, their probabilities averaged",
                            classifier.members().size()),
                nlohmann::json{{"event", "ensemble"}, {"members", classifier.members().size()}});
  if (fitted.truncated > 0)
    print_event(ctx,
                fmt::format("note: {} training texts were longer than max_length {} tokens and were cut",
                            fitted.truncated, job.text.max_length),
                nlohmann::json{{"event", "note"}, {"truncated", fitted.truncated}});
  const metrics::ClassReport report = evaluate_text(classifier, test);
  std::string floor_text;
  for (const auto& [k, v] : job.floors.items())
    floor_text += fmt::format("  floor {}: {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
  print_event(ctx,
              fmt::format("test ({} texts, tokenizer vocabulary {}):\n{}  accuracy {:.4f}  macro-F1 {:.4f}\n{}",
                          test.size(), classifier.tokenizer().vocab_size(), metrics::format_report(report),
                          report.accuracy, report.macro_f1, floor_text),
              nlohmann::json{{"event", "test"}, {"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}});

  const std::string dir = job_report_dir(job);
  create_output_dir(dir, "the report");
  report::plot_confusion_matrix(report, dir + "/confusion.png");
  io::write_file_atomic(dir + "/report.md",
                        fmt::format("# {}\n\nTrain: `{}` ({} texts); test: `{}` ({} texts).\n\n```\n{}```\n\n"
                                    "Accuracy {:.4f}, macro-F1 {:.4f}.\n\n![confusion matrix](confusion.png)\n",
                                    job.file.filename().string(), train.source, train.size(), test.source, test.size(),
                                    metrics::format_report(report), report.accuracy, report.macro_f1));
  if (!job.output.model.empty()) {
    create_parent_dir(job.output.model);
    classifier.save(job.output.model);
    print_event(ctx, "saved model to " + job.output.model,
                nlohmann::json{{"event", "saved"}, {"path", job.output.model}});
  }
  return 0;
}

CvTextResult cross_validate_text(const RunContext& ctx, const JobSpec& job, int folds, uint64_t seed) {
  text::LabelledText all = read_labelled(job.text, job.text.train);
  const auto parts = data::stratified_kfold(label_classes(all.labels), folds, seed);
  CvTextResult out;
  for (size_t k = 0; k < parts.size(); ++k) {
    set_random_seed(seed + k);
    nn::clear_session();
    TextFit fitted = fit_text(job, select_texts(all, parts[k].train), 0);
    const auto report = evaluate_text(fitted.classifier, select_texts(all, parts[k].test));
    out.accuracy.push_back(report.accuracy);
    out.macro_f1.push_back(report.macro_f1);
    print_event(ctx,
                fmt::format("fold {:>2}/{}: accuracy {:.4f} macro-F1 {:.4f}", k + 1, parts.size(), report.accuracy,
                            report.macro_f1),
                nlohmann::json{
                    {"event", "fold"}, {"fold", k + 1}, {"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}});
  }
  return out;
}

}  // namespace deepfin::cli
