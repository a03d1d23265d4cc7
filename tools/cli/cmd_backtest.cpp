// deepfin backtest JOB.toml: walk-forward evaluation of a forecasting job on
// the last share of a price series — retrain every k points, compare the
// forecasts with the random walk and "always up" on the same points, trade a
// long/flat strategy on them against buy-and-hold, and write the report with
// its figures. `deepfin train` on a series job is the same with one fit.
#include <fmt/format.h>

#include <cmath>

#include "commands.h"
#include "deepfin/backtest/forecast_metrics.h"
#include "deepfin/backtest/strategy.h"
#include "deepfin/backtest/walk_forward.h"
#include "deepfin/core/random.h"
#include "deepfin/io/atomic_file.h"
#include "deepfin/nn/layer.h"
#include "deepfin/report/forecast_figures.h"
#include "forecast_commands.h"
#include "forecast_job.h"
#include "output_paths.h"

namespace deepfin::cli {
namespace {

std::string metrics_row(const std::string& name, const backtest::ForecastMetrics& m) {
  const std::string direction =
      m.moves > 0 ? fmt::format("{:.1f} %", 100.0 * m.directional_accuracy) : "n/a (no moves)";
  return fmt::format("| {} | {:.4f} | {:.4f} | {:.3f} % | {} |\n", name, m.mae, m.rmse, m.mape, direction);
}

std::string strategy_row(const std::string& name, const backtest::StrategyResult& r) {
  return fmt::format("| {} | {:+.1f} % | {:+.1f} % | {:.2f} | {:.1f} % | {:.1f} | {:.0f} % |\n", name,
                     100.0 * r.cumulative_return, 100.0 * r.annualized_return, r.sharpe, 100.0 * r.max_drawdown,
                     r.turnover, 100.0 * r.exposure);
}

}  // namespace

int run_forecast(const RunContext& ctx, const JobSpec& job, uint64_t seed, bool walk_forward) {
  const ForecastSpec& spec = job.forecast;
  const ForecastData data = load_forecast_data(spec);
  const int64_t n = data.series.length();
  const int64_t test_start = n - static_cast<int64_t>(std::llround(spec.test_fraction * static_cast<double>(n)));
  int64_t initial = 0;
  while (initial < data.num_samples && data.target_time(initial) < test_start) ++initial;
  if (initial < 1 || initial >= data.num_samples)
    throw ValueError(
        fmt::format("{}: no training samples before the test span (series {} rows, test from row {}, "
                    "first target at row {}); lower test_fraction or sequence_length",
                    spec.path, n, test_start, data.target_time(0)));
  print_event(
      ctx,
      fmt::format("data: {} rows of {} from {} ({} .. {}); {} features; {} windows of {} steps; test: the last "
                  "{} points, {}",
                  n, spec.target, data.series.source, data.series.dates.front(), data.series.dates.back(),
                  data.features.size(), data.num_samples, spec.sequence_length, data.num_samples - initial,
                  walk_forward ? fmt::format("walk-forward ({}), retrained every {}", spec.window, spec.retrain_every)
                               : std::string("one fit on the span before")),
      nlohmann::json{
          {"event", "data"}, {"rows", n}, {"samples", data.num_samples}, {"test", data.num_samples - initial}});

  ForecastModel forecaster(job, data);
  backtest::WalkForwardOptions wf;
  wf.initial_train = initial;
  wf.retrain_every = walk_forward ? spec.retrain_every : data.num_samples;
  wf.window = spec.window == "rolling" ? backtest::WindowKind::rolling : backtest::WindowKind::expanding;
  wf.rolling_size = spec.rolling_size;
  wf.gap = spec.horizon - 1;  // a training target may not lie in the test span
  int fold = 0;
  const std::vector<double> forecast = backtest::run_walk_forward(
      data.num_samples, wf,
      [&](int64_t begin, int64_t end) {
        set_random_seed(seed + static_cast<uint64_t>(fold));
        nn::clear_session();
        forecaster.fit(begin, end, 0);
        print_event(ctx, fmt::format("fold {}: trained on samples [{}, {})", ++fold, begin, end),
                    nlohmann::json{{"event", "fold"}, {"fold", fold}, {"train_begin", begin}, {"train_end", end}});
      },
      [&](int64_t begin, int64_t end) { return forecaster.predict(begin, end); });

  const int64_t first = data.num_samples - static_cast<int64_t>(forecast.size());
  std::vector<double> actual, predicted, previous, asset_returns, days, equity_days;
  equity_days.push_back(data.series.time[data.last_input(first)]);
  for (size_t i = 0; i < forecast.size(); ++i) {
    const int64_t s = first + static_cast<int64_t>(i);
    const double prev = data.price[data.last_input(s)];
    previous.push_back(prev);
    actual.push_back(data.price[data.target_time(s)]);
    predicted.push_back(prev * std::exp(forecast[i]));
    asset_returns.push_back(data.price[data.last_input(s) + 1] / prev - 1.0);  // the next period's return
    days.push_back(data.series.time[data.target_time(s)]);
    equity_days.push_back(data.series.time[data.last_input(s) + 1]);
  }
  const auto model_m = backtest::forecast_metrics(actual, predicted, previous);
  const auto walk_m = backtest::random_walk_baseline(actual, previous);
  const auto up_m = backtest::always_up_baseline(actual, previous);
  const backtest::StrategyOptions so{.cost_per_turnover = spec.cost_bps / 1e4,
                                     .periods_per_year = spec.periods_per_year};
  const auto strategy = backtest::long_flat(asset_returns, forecast, spec.threshold, so);
  const auto hold = backtest::buy_and_hold(asset_returns, so);

  std::string table =
      fmt::format("forecasts of {} on {} test points ({} .. {}), horizon {}:\n", spec.target, actual.size(),
                  data.series.dates[data.target_time(first)], data.series.dates.back(), spec.horizon);
  table += "| forecast | MAE | RMSE | MAPE | directional accuracy |\n|---|---|---|---|---|\n";
  table += metrics_row("model", model_m) + metrics_row("random walk (tomorrow = today)", walk_m) +
           metrics_row("always up", up_m);
  table += "verdict: " + backtest::verdict(model_m, walk_m, up_m) + "\n\n";
  table += fmt::format("long/flat on the forecasts (long when the forecast log return > {}), {} bp per unit traded:\n",
                       spec.threshold, spec.cost_bps);
  table +=
      "| strategy | cumulative | annualized | Sharpe | max drawdown | turnover | time long |\n"
      "|---|---|---|---|---|---|---|\n";
  table += strategy_row("long/flat (model)", strategy) + strategy_row("buy and hold", hold);
  nlohmann::json event = {
      {"event", walk_forward ? "backtest" : "test"},
      {"points", actual.size()},
      {"model",
       {{"mae", model_m.mae},
        {"rmse", model_m.rmse},
        {"mape", model_m.mape},
        {"directional_accuracy", model_m.directional_accuracy}}},
      {"random_walk", {{"mae", walk_m.mae}, {"rmse", walk_m.rmse}, {"mape", walk_m.mape}}},
      {"always_up", {{"directional_accuracy", up_m.directional_accuracy}}},
      {"strategy",
       {{"cumulative_return", strategy.cumulative_return},
        {"sharpe", strategy.sharpe},
        {"max_drawdown", strategy.max_drawdown},
        {"turnover", strategy.turnover}}},
      {"buy_and_hold",
       {{"cumulative_return", hold.cumulative_return}, {"sharpe", hold.sharpe}, {"max_drawdown", hold.max_drawdown}}}};
  print_event(ctx, table, event);

  const std::string dir = job_report_dir(job);
  create_output_dir(dir, "the report");
  const std::string title = fmt::format("{}: {}", spec.target, walk_forward ? "walk-forward backtest" : "test span");
  report::plot_forecast(days, actual, predicted, title + ", forecast vs actual", dir + "/forecast.png");
  report::plot_equity(equity_days, {{"long/flat (model)", strategy.equity}, {"buy and hold", hold.equity}},
                      title + ", equity", dir + "/equity.png");
  const std::string md = fmt::format(
      "# {} — {}\n\nJob: `{}`; data: `{}`.\n\n```\n{}```\n\n![forecast vs actual](forecast.png)\n\n![equity "
      "curves](equity.png)\n",
      spec.target, walk_forward ? "walk-forward backtest" : "held-out test span", job.file.string(), data.series.source,
      table);
  io::write_file_atomic(dir + "/" + (walk_forward ? "backtest.md" : "test.md"), md);
  if (!job.output.predictions.empty()) {
    std::string csv = "date,previous,actual,forecast,forecast_log_return,position\n";
    for (size_t i = 0; i < actual.size(); ++i)
      csv += fmt::format("{},{},{},{:.6f},{:.8f},{}\n",
                         data.series.dates[data.target_time(first + static_cast<int64_t>(i))], previous[i], actual[i],
                         predicted[i], forecast[i], strategy.positions[i]);
    create_parent_dir(job.output.predictions);
    io::write_file_atomic(job.output.predictions, csv);
  }
  if (!job.output.model.empty()) {
    create_parent_dir(job.output.model);
    forecaster.model().set_attachment("forecast", forecaster.preprocessing_json());
    forecaster.model().save(job.output.model);
  }
  print_event(
      ctx, fmt::format("wrote {}/{} with forecast.png and equity.png", dir, walk_forward ? "backtest.md" : "test.md"),
      nlohmann::json{{"event", "report"}, {"path", dir}});
  return 0;
}

namespace {

int run_backtest(const RunContext& ctx, const std::string& job_path) {
  const JobSpec job = load_job_file(job_path);
  if (!job.data.series())
    throw ConfigError(fmt::format("{}: backtest works on series data (source is \"{}\")", job_path, job.data.source));
  prepare_job_outputs(job, true);
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
