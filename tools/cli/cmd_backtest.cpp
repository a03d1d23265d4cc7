// deepfin backtest JOB.toml: walk-forward evaluation of a forecasting job on the
// last share of a price series, with its report. `deepfin train` on a series
// job is the same with one fit.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/tasks/forecast_task.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/job_outputs.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

// The machine-readable line of a variance job: each forecaster's mean QLIKE.
nlohmann::json variance_event(const tasks::ForecastResult& r, bool walk_forward, const std::string& var_method) {
  nlohmann::json qlike = nlohmann::json::object();
  for (const auto& [name, q] : r.mean_qlike) qlike[name] = q;
  nlohmann::json tests = nlohmann::json::array(), var = nlohmann::json::array();
  for (const auto& c : r.variance_comparisons)
    tests.push_back({{"forecaster", c.forecaster},
                     {"baseline", c.baseline},
                     {"loss", c.loss},
                     {"statistic", c.test.statistic},
                     {"p_value", c.test.p_value},
                     {"verdict", backtest::to_string(c.verdict)}});
  for (const auto& row : r.var_backtests) {
    const backtest::VarBacktest& b = row.backtest;
    var.push_back({{"forecaster", row.forecaster},
                   {"level", b.level},
                   {"var_multiple", row.var_multiple},
                   {"es_multiple", row.es_multiple},
                   {"calibration_returns", row.calibration_returns},
                   {"exceptions", b.exceptions},
                   {"kupiec_p", b.kupiec_p},
                   {"independence_p", b.independence_p},
                   {"zone", backtest::to_string(b.light)}});
  }
  return {{"event", walk_forward ? "backtest" : "test"},
          {"points", r.realized.size()},
          {"mean_qlike", qlike},
          {"diebold_mariano", tests},
          {"var_method", var_method},
          {"var_note", r.var_note},
          {"value_at_risk", var}};
}

}  // namespace

int run_forecast(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed, bool walk_forward) {
  const tasks::ForecastTask task(job);
  const tasks::ForecastResult r = task.run(seed, walk_forward, printer(ctx));
  nlohmann::json event =
      r.target_kind == "variance"
          ? variance_event(r, walk_forward, job.forecast.var_method)
          : nlohmann::json{{"event", walk_forward ? "backtest" : "test"},
                           {"points", r.actual.size()},
                           {"model",
                            {{"mae", r.model.mae},
                             {"rmse", r.model.rmse},
                             {"mape", r.model.mape},
                             {"directional_accuracy", r.model.directional_accuracy}}},
                           {"random_walk",
                            {{"mae", r.random_walk.mae}, {"rmse", r.random_walk.rmse}, {"mape", r.random_walk.mape}}},
                           {"always_up", {{"directional_accuracy", r.always_up.directional_accuracy}}},
                           {"strategy",
                            {{"cumulative_return", r.strategy.cumulative_return},
                             {"sharpe", r.strategy.sharpe},
                             {"max_drawdown", r.strategy.max_drawdown},
                             {"turnover", r.strategy.turnover}}},
                           {"buy_and_hold",
                            {{"cumulative_return", r.buy_and_hold.cumulative_return},
                             {"sharpe", r.buy_and_hold.sharpe},
                             {"max_drawdown", r.buy_and_hold.max_drawdown}}},
                           {"diebold_mariano_p",
                            r.versus_random_walk ? nlohmann::json(r.versus_random_walk->p_value) : nlohmann::json()},
                           {"sharpe_difference", r.sharpe_versus_hold
                                                     ? nlohmann::json{{"difference", r.sharpe_versus_hold->difference},
                                                                      {"lower", r.sharpe_versus_hold->lower},
                                                                      {"upper", r.sharpe_versus_hold->upper}}
                                                     : nlohmann::json()},
                           {"warning", r.warning}};
  print_event(ctx, r.summary, event);
  if (!job.output.write) return 0;  // a rank other than 0: rank 0 writes the report
  const std::string dir = job.report_dir();
  const std::string name = task.write_report(r, dir);
  if (!job.output.predictions.empty()) task.write_predictions(r, job.output.predictions);
  if (r.fitted) print_privacy(ctx, *r.fitted);  // the last fit's; a walk-forward refits many times
  if (!job.output.model.empty()) task.save(r, job.output.model);
  print_event(ctx,
              fmt::format("wrote {}/{} with {}", dir, name,
                          r.target_kind == "variance" ? "volatility.png" : "forecast.png, returns.png and equity.png"),
              nlohmann::json{{"event", "report"}, {"path", dir}});
  return 0;
}

namespace {

int run_backtest(const RunContext& ctx, const std::string& job_path) {
  const tasks::JobSpec job = tasks::for_this_rank(tasks::without_checkpoints(tasks::load_job_file(job_path)));
  if (!job.data.series())
    throw ConfigError(fmt::format("{}: backtest works on series data (source is \"{}\")", job_path, job.data.source));
  tasks::prepare_job_outputs(job, true);
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  return run_forecast(ctx, job, seed, true);
}

}  // namespace

Command add_backtest_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("backtest", "walk-forward backtest of a forecasting job on a price series");
  auto job = std::make_shared<std::string>();
  sub->add_option("job", *job, "job file (TOML) with [data] source = \"series\"")->required();
  return {sub, [&ctx, job] { return run_backtest(ctx, *job); }};
}

}  // namespace deepfin::cli
