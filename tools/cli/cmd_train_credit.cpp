// deepfin train on a credit (csv / arff) job: stratified train/test split, the
// credit task's fit, the held-out credit metrics beside the floors, and the
// model and test scores saved.
#include <fmt/format.h>

#include "deepfin/io/output_paths.h"
#include "deepfin/tasks/credit_task.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

std::string metrics_table(const std::map<std::string, double>& metrics, const tasks::JobSpec& job) {
  std::string out = fmt::format("  {:<18} {:>8}   {}\n", "metric", "value", "floor");
  for (const auto& [name, value] : metrics)
    out += fmt::format("  {:<18} {:>8.4f}   {}\n", name, value, job.floor_of(name));
  return out;
}

}  // namespace

int train_credit(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed) {
  const tasks::CreditTask task(job);
  const tasks::CreditSplit data = task.split(seed);
  int64_t positives = 0;
  for (int64_t c : data.classes) positives += c;
  print_event(ctx,
              fmt::format("data: {} rows from {} ({} positive '{}' = {:.1f} %); stratified split: train {}, test {}",
                          data.all.num_rows(), data.all.source, positives, job.data.positive_label,
                          100.0 * static_cast<double>(positives) / static_cast<double>(data.all.num_rows()),
                          data.train.num_rows(), data.test.num_rows()),
              nlohmann::json{{"event", "data"},
                             {"source", data.all.source},
                             {"rows", data.all.num_rows()},
                             {"positives", positives},
                             {"train", data.train.num_rows()},
                             {"test", data.test.num_rows()}});

  const tasks::CreditFit fitted = task.fit(data.train, seed, ctx.json() ? 0 : -1);
  const tabular::TabularModel& model = fitted.model;
  if (!ctx.json()) fmt::print("{}\n", model.model().summary());
  const auto metrics = task.evaluate(model, data.test);
  nlohmann::json report = {{"event", "test"}, {"threshold", model.threshold()}};
  for (const auto& [k, v] : metrics) report[k] = v;
  print_event(ctx,
              fmt::format("test ({} rows, decision threshold {:.3f}):\n{}", data.test.num_rows(), model.threshold(),
                          metrics_table(metrics, job)),
              report);
  print_privacy(ctx, model.model());
  tasks::record_evaluation(model.model(), "held-out test split", data.test.num_rows(), metrics, data.all.source);
  save_job_model(ctx, job, [&](const std::string& path) { model.save(path); });
  if (!job.output.predictions.empty())
    io::write_output_file(job.output.predictions, tasks::scores_csv(model, data.test, model.predict_proba(data.test)));
  return 0;
}

}  // namespace deepfin::cli
