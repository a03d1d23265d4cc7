// deepfin train on a tabular job: the credit path. Stratified train/test split,
// preprocessing and model fitted on the training part only, then the held-out
// credit metrics beside the floors the job names.
#include <fmt/format.h>

#include "deepfin/data/tabular/arff.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/io/atomic_file.h"
#include "output_paths.h"
#include "tabular_commands.h"
#include "tabular_job.h"

namespace deepfin::cli {

void write_scores_csv(const tabular::TabularModel& model, const data::Table& rows, const std::vector<double>& p,
                      const std::string& path) {
  std::string out = "row,line,probability,decision,points\n";
  for (size_t i = 0; i < p.size(); ++i)
    out += fmt::format("{},{},{:.6f},{},{:.1f}\n", i + 1, rows.lines[i], p[i],
                       p[i] >= model.threshold() ? "adverse" : "accept", model.points(p[i]));
  if (path.empty()) {
    fmt::print("{}", out);
  } else {
    create_parent_dir(path);
    io::write_file_atomic(path, out);
  }
}

std::string format_metrics_table(const std::map<std::string, double>& metrics, const nlohmann::json& floors) {
  std::string out = fmt::format("  {:<18} {:>8}   {}\n", "metric", "value", "floor");
  for (const auto& [name, value] : metrics) {
    std::string floor = floors.contains(name) ? floors.at(name).dump() : "";
    if (floors.contains(name) && floors.at(name).is_string()) floor = floors.at(name).get<std::string>();
    out += fmt::format("  {:<18} {:>8.4f}   {}\n", name, value, floor);
  }
  return out;
}

int run_train_tabular(const RunContext& ctx, const JobSpec& job, uint64_t seed) {
  const data::Table table = read_job_table(job.data);
  const std::vector<int64_t> classes = job_classes(job, table);
  const data::FoldIndices split = data::stratified_split(classes, job.data.test_split, seed);
  const data::Table train = table.select_rows(split.train), test = table.select_rows(split.test);
  int64_t positives = 0;
  for (int64_t c : classes) positives += c;
  print_event(ctx,
              fmt::format("data: {} rows from {} ({} positive '{}' = {:.1f} %); stratified split: train {}, test {}",
                          table.num_rows(), table.source, positives, job.data.positive_label,
                          100.0 * static_cast<double>(positives) / static_cast<double>(table.num_rows()),
                          train.num_rows(), test.num_rows()),
              nlohmann::json{{"event", "data"},
                             {"source", table.source},
                             {"rows", table.num_rows()},
                             {"positives", positives},
                             {"train", train.num_rows()},
                             {"test", test.num_rows()}});

  TabularFit fitted = fit_tabular(job, train, seed, ctx.json() ? 0 : -1);
  tabular::TabularModel& model = fitted.model;
  if (!ctx.json()) fmt::print("{}\n", model.model().summary());

  const std::vector<double> p = model.predict_proba(test);
  const auto metrics = credit_metrics(p, to_int_labels(job_classes(job, test)), model.threshold(), job_costs(job));
  nlohmann::json report = {{"event", "test"}, {"threshold", model.threshold()}};
  for (const auto& [k, v] : metrics) report[k] = v;
  print_event(ctx,
              fmt::format("test ({} rows, decision threshold {:.3f}):\n{}", test.num_rows(), model.threshold(),
                          format_metrics_table(metrics, job.floors)),
              report);
  if (!job.output.model.empty()) {
    create_parent_dir(job.output.model);
    model.save(job.output.model);
    print_event(ctx, "saved model to " + job.output.model,
                nlohmann::json{{"event", "saved"}, {"path", job.output.model}});
  }
  if (!job.output.predictions.empty()) write_scores_csv(model, test, p, job.output.predictions);
  return 0;
}

}  // namespace deepfin::cli
