// deepfin report JOB.toml [-o DIR] [--folds 10]: the credit task's model report
// (data summary, cross-validated metrics beside the floors, held-out figures,
// PSI, global attributions, fair lending) as Markdown with PNG figures, and the model card.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/job_outputs.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

struct ReportArgs {
  std::string job, dir;
  int folds = 10;
  int64_t explain_rows = 200;
};

int run_report(const RunContext& ctx, const ReportArgs& args) {
  const tasks::JobSpec job = tasks::without_checkpoints(tasks::load_job_file(args.job));
  if (!job.data.tabular())
    throw ConfigError(
        fmt::format("{}: report works on csv and arff data (source is \"{}\")", args.job, job.data.source));
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  const std::string dir = !args.dir.empty() ? args.dir : job.report_dir();
  tasks::prepare_job_outputs(job, false);
  io::prepare_output_dir(dir, "the report");
  const tasks::CreditFit fitted = tasks::CreditTask(job).write_report(
      {.dir = dir, .folds = args.folds, .explain_rows = args.explain_rows}, seed, printer(ctx));
  print_privacy(ctx, fitted.model.model());
  save_job_model(
      ctx, job, [&](const std::string& path) { fitted.model.save(path); }, false);
  print_event(
      ctx, fmt::format("wrote {}/report.md (and its figures) and {}/model_card.md", dir, dir),
      nlohmann::json{{"event", "report"}, {"path", dir + "/report.md"}, {"model_card", dir + "/model_card.md"}});
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("report", "write a Markdown model report with figures for a csv/arff job");
  auto args = std::make_shared<ReportArgs>();
  sub->add_option("job", args->job, "job file (TOML) with csv or arff data")->required();
  sub->add_option("-o,--output", args->dir, "report directory (default [output] report or report/<job name>)");
  sub->add_option("--folds", args->folds, "cross-validation folds for the metric spread (0: none; default 10)")
      ->check(CLI::Range(0, 100));
  sub->add_option("--explain-rows", args->explain_rows, "held-out rows explained for the global attributions")
      ->check(CLI::PositiveNumber);
  return {sub, [&ctx, args] { return run_report(ctx, *args); }};
}

}  // namespace deepfin::cli
