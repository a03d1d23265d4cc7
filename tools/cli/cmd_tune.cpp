// deepfin tune JOB.toml --budget 20m: a random search over the job's [tune] space,
// raced by successive halving, scored by nested cross-validation; writes the tuned
// job file and the table of trials.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/io/read_file.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/tuner.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

int run_tune(const RunContext& ctx, const std::string& job_path, const std::string& budget, int trials) {
  const nlohmann::json job = tasks::job_file_json(io::read_file(job_path), job_path);
  const tasks::JobSpec spec = tasks::parse_job_json(job, job_path);
  const tasks::TuneOptions options{.budget_seconds = budget.empty() ? 0.0 : tasks::parse_budget(budget),
                                   .trials = trials,
                                   .seed = ctx.apply(spec.threads, spec.seed)};
  const tasks::TuneResult r = tasks::tune_job(job, job_path, options, printer(ctx));
  nlohmann::json event = {{"event", "tune"},           {"metric", r.metric},
                          {"nested", r.nested_scores}, {"as_written", r.as_written_scores},
                          {"values", r.best_values},   {"budget_ran_out", r.budget_ran_out}};
  if (!r.baseline.empty()) {
    event["baseline"] = r.baseline;
    event["baseline_scores"] = r.baseline_scores;
  }
  print_event(ctx, tasks::tune_summary(r), event);
  const std::string dir = spec.report_dir();
  tasks::write_tune_outputs(r, dir);
  print_event(ctx, fmt::format("wrote {}/tuned.toml, trials.csv, folds.csv and tune.md", dir),
              nlohmann::json{{"event", "report"}, {"path", dir}});
  return 0;
}

}  // namespace

Command add_tune_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("tune", "search the job's [tune] space, scored by nested cross-validation");
  struct Args {
    std::string job, budget;
    int trials = -1;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("job", args->job, "job file (TOML): a credit (csv or arff), text or series job")->required();
  sub->add_option("--budget", args->budget, "wall-clock budget, e.g. 20m, 90s, 1.5h (default: none)");
  sub->add_option("--trials", args->trials, "configurations per search (default: [tune] trials, 20)")
      ->check(CLI::Range(1, 100000));
  return {sub, [&ctx, args] { return run_tune(ctx, args->job, args->budget, args->trials); }};
}

}  // namespace deepfin::cli
