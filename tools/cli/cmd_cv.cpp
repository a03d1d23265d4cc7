// deepfin cv JOB.toml --folds 10: stratified k-fold cross-validation of a credit
// or text job. Each fold fits its own preprocessing (or tokenizer) and model on
// the other folds only; the table gives each metric's mean ± std beside the floors.
#include <fmt/format.h>

#include <algorithm>

#include "commands.h"
#include "deepfin/tasks/credit_fairness.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/job_outputs.h"
#include "deepfin/tasks/text_task.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

void cv_text(const RunContext& ctx, const tasks::JobSpec& job, int folds, uint64_t seed) {
  const tasks::TextCvResult cv = tasks::TextTask(job).cross_validate(folds, seed, printer(ctx));
  const tasks::MeanStd acc = cv.accuracy_summary, f1 = cv.macro_f1_summary;
  print_event(ctx,
              fmt::format("{}-fold stratified cross-validation of {}:\n  accuracy {:.4f} ± {:.4f}\n  macro-F1 "
                          "{:.4f} ± {:.4f}\n{}",
                          folds, job.file.string(), acc.mean, acc.std, f1.mean, f1.std, floors_text(job)),
              nlohmann::json{{"event", "cv"},
                             {"accuracy", {{"mean", acc.mean}, {"std", acc.std}}},
                             {"macro_f1", {{"mean", f1.mean}, {"std", f1.std}}}});
  if (cv.neural_accuracy.empty()) return;
  const tasks::MeanStd neural = cv.neural_summary, linear = cv.linear_summary;
  print_event(ctx,
              fmt::format("  parts of the stack alone: neural accuracy {:.4f} ± {:.4f}, linear TF-IDF {:.4f} ± {:.4f}",
                          neural.mean, neural.std, linear.mean, linear.std),
              nlohmann::json{{"event", "cv_parts"},
                             {"neural_accuracy", {{"mean", neural.mean}, {"std", neural.std}}},
                             {"linear_accuracy", {{"mean", linear.mean}, {"std", linear.std}}}});
}

void cv_credit(const RunContext& ctx, const tasks::JobSpec& job, int folds, uint64_t seed) {
  const tasks::CreditCvResult cv = tasks::CreditTask(job).cross_validate(folds, seed, printer(ctx));
  std::string table = fmt::format("{}-fold stratified cross-validation of {}:\n  {:<18} {:>8} {:>8}   {}\n", folds,
                                  job.file.string(), "metric", "mean", "std", "floor");
  nlohmann::json event = {{"event", "cv"}, {"folds", folds}, {"epochs_per_fold", cv.epochs}};
  for (const auto& [name, ms] : cv.summary) {
    table += fmt::format("  {:<18} {:>8.4f} {:>8.4f}   {}\n", name, ms.mean, ms.std, job.floor_of(name));
    event[name] = {{"mean", ms.mean}, {"std", ms.std}};
  }
  table += fmt::format("  epochs trained per fold: {}\n", fmt::join(cv.epochs, ", "));
  for (const auto& [attribute, groups] : cv.fairness) {
    table += fmt::format("  fairness of {} over the folds (mean ± std):\n    {:<22} {:>17} {:>17} {:>17}\n", attribute,
                         "group", "approval rate", "impact ratio", "equal opp. diff");
    const auto& spec = job.fairness.attributes;
    const auto attr = std::find_if(spec.begin(), spec.end(), [&](const auto& a) { return a.column == attribute; });
    std::vector<std::string> names;
    for (const auto& [group, unused] : groups) names.push_back(group);
    for (const std::string& group : tasks::group_order(*attr, names)) {
      const auto& m = groups.at(group);
      table += fmt::format("    {:<22} {:>8.3f} ± {:.3f} {:>8.3f} ± {:.3f} {:>8.3f} ± {:.3f}\n", group,
                           m.at("approval_rate").mean, m.at("approval_rate").std, m.at("adverse_impact_ratio").mean,
                           m.at("adverse_impact_ratio").std, m.at("equal_opportunity_difference").mean,
                           m.at("equal_opportunity_difference").std);
      for (const auto& [metric, ms] : m)
        event["fairness"][attribute][group][metric] = {{"mean", ms.mean}, {"std", ms.std}};
    }
  }
  print_event(ctx, table, event);
}

int run_cv(const RunContext& ctx, const std::string& job_path, int folds) {
  const tasks::JobSpec job = tasks::for_this_rank(tasks::without_checkpoints(tasks::load_job_file(job_path)));
  if (!job.data.tabular() && !job.data.text())
    throw ConfigError(
        fmt::format("{}: cv works on csv, arff and text data (source is \"{}\")", job_path, job.data.source));
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  if (job.data.text()) {
    cv_text(ctx, job, folds, seed);
  } else {
    cv_credit(ctx, job, folds, seed);
  }
  return 0;
}

}  // namespace

Command add_cv_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("cv", "stratified k-fold cross-validation of a csv/arff or text job");
  struct Args {
    std::string job;
    int folds = 10;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("job", args->job, "job file (TOML) with csv, arff or text data")->required();
  sub->add_option("--folds", args->folds, "number of folds (default 10)")->check(CLI::Range(2, 100));
  return {sub, [&ctx, args] { return run_cv(ctx, args->job, args->folds); }};
}

}  // namespace deepfin::cli
