// deepfin train on a credit (csv / arff) job: stratified train/test split, the
// credit task's fit, the held-out credit metrics beside the floors, and the
// model and test scores saved.
#include <fmt/format.h>

#include "deepfin/io/output_paths.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/evaluation_record.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

std::string metrics_table(const std::map<std::string, double>& metrics, const tasks::JobSpec& job) {
  std::string out = fmt::format("  {:<18} {:>8}   {}\n", "metric", "value", "floor");
  for (const auto& [name, value] : metrics)
    out += fmt::format("  {:<18} {:>8.4f}   {}\n", name, value, job.floor_of(name));
  return out;
}

// One attribute's group table as the run prints it: the estimate and its 95 % interval.
std::string fairness_lines(const tasks::AttributeFairness& f, int64_t min_rows) {
  if (f.at_model_threshold.groups.empty()) {
    std::string out = fmt::format(
        "  {}: not measured, fewer than two groups have min_group_rows = {} rows here:", f.attribute, min_rows);
    for (const auto& [group, rows] : f.too_small) out += fmt::format(" '{}' {}", group, rows);
    return out + "\n";
  }
  std::string out = fmt::format("  {} (most favoured: '{}'; decisions at the model's threshold {:.3f}):\n", f.attribute,
                                f.at_model_threshold.reference_group, f.at_model_threshold.threshold);
  out += fmt::format("    {:<22} {:>5} {:>22} {:>22} {:>24}\n", "group", "rows", "approval rate",
                     "adverse impact ratio", "equal opportunity diff");
  for (const auto& g : f.at_model_threshold.groups) {
    auto cell = [&](const char* m) {
      return fmt::format("{:.3f} [{:.3f}, {:.3f}]", g.value.at(m), g.low.at(m), g.high.at(m));
    };
    out += fmt::format("    {:<22} {:>5} {:>22} {:>22} {:>24}{}\n", g.group, g.rows, cell("approval_rate"),
                       cell("adverse_impact_ratio"), cell("equal_opportunity_difference"),
                       g.value.at("adverse_impact_ratio") < 0.8 ? "  below four-fifths" : "");
  }
  for (const auto& [group, rows] : f.too_small)
    out += fmt::format("    {:<22} {:>5} not measured: fewer rows than [fairness] min_group_rows = {}\n", group, rows,
                       min_rows);
  return out;
}

void print_fairness(const RunContext& ctx, const tasks::CreditTask& task, const tasks::CreditFit& fitted,
                    const data::Table& test, uint64_t seed) {
  const tasks::JobSpec& job = task.job();
  if (!job.fairness.enabled()) return;
  std::string text = fmt::format(
      "fairness: protected {} ({}); ", job.fairness.attributes.size(),
      job.fairness.use == "exclude" ? "kept out of the model's inputs" : "model inputs, never cited as reasons");
  nlohmann::json proxies = nlohmann::json::array();
  for (const auto& p : fitted.proxies)
    proxies.push_back({{"input", p.input}, {"attribute", p.attribute}, {"cramers_v", p.cramers_v}});
  if (fitted.proxies.empty()) {
    text +=
        fmt::format("no input reaches Cramer's V {:.2f} with a protected attribute\n", job.fairness.proxy_threshold);
  } else {
    text += "possible proxies:";
    for (const auto& p : fitted.proxies) text += fmt::format(" {} ~ {} (V {:.2f})", p.input, p.attribute, p.cramers_v);
    text += "\n";
  }
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& f : task.fairness(fitted.model, test, seed)) {
    text += fairness_lines(f, job.fairness.min_group_rows);
    tables.push_back(tasks::to_json(f));
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  print_event(ctx, text, {{"event", "fairness"}, {"use", job.fairness.use}, {"proxies", proxies}, {"tables", tables}});
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
  if (fitted.chosen_epochs > 0)
    print_event(ctx,
                fmt::format("epochs: {} (of at most {}), chosen by early stopping on a held-out 20 % of the training "
                            "rows, then refitted on all of them ([fit] early_stopping = false turns this off)",
                            fitted.chosen_epochs, job.fit.epochs),
                nlohmann::json{{"event", "epochs"}, {"chosen", fitted.chosen_epochs}, {"ceiling", job.fit.epochs}});
  const auto metrics = task.evaluate(model, data.test);
  nlohmann::json report = {{"event", "test"}, {"threshold", model.threshold()}};
  for (const auto& [k, v] : metrics) report[k] = v;
  print_event(ctx,
              fmt::format("test ({} rows, decision threshold {:.3f}):\n{}", data.test.num_rows(), model.threshold(),
                          metrics_table(metrics, job)),
              report);
  print_fairness(ctx, task, fitted, data.test, seed);
  print_privacy(ctx, model.model());
  tasks::record_evaluation(model.model(), "held-out test split", data.test.num_rows(), metrics, data.all.source);
  save_job_model(ctx, job, [&](const std::string& path) { model.save(path); });
  if (!job.output.predictions.empty())
    io::write_output_file(job.output.predictions, tasks::scores_csv(model, data.test, model.predict_proba(data.test)));
  return 0;
}

}  // namespace deepfin::cli
