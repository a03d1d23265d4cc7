// The forecasting task's run: walk-forward (or one) fit over the series, the
// forecasts against the random walk and "always up", and the long/flat strategy.
#include "deepfin/tasks/forecast_task.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/backtest/walk_forward.h"
#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/forecast_model.h"
#include "tasks/forecast/variance_scoring.h"

namespace deepfin::tasks {
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

// The first sample whose target lies in the test span (the last test_fraction of the rows).
int64_t first_test_sample(const ForecastSpec& spec, const ForecastData& data) {
  const int64_t n = data.series.length();
  const int64_t test_start = first_test_row(spec, n);
  int64_t initial = 0;
  while (initial < data.num_samples && data.target_time(initial) < test_start) ++initial;
  if (initial < 1 || initial >= data.num_samples)
    throw ValueError(
        fmt::format("{}: no training samples before the test span (series {} rows, test from row {}, "
                    "first target at row {}); lower test_fraction or sequence_length",
                    spec.path, n, test_start, data.target_time(0)));
  return initial;
}

// Whether the differences are real: Diebold-Mariano on the squared errors of the level
// forecasts against the random walk's, and a block bootstrap of the Sharpe ratio difference.
void significance(const ForecastSpec& spec, ForecastResult& r) {
  const size_t n = r.actual.size();
  std::string& t = r.summary;
  if (n < 3 || static_cast<int64_t>(n) <= spec.horizon) {
    t += "significance: too few test points to test the differences\n";
    return;
  }
  std::vector<double> model_loss(n), walk_loss(n);
  for (size_t i = 0; i < n; ++i) {
    model_loss[i] = std::pow(r.actual[i] - r.predicted[i], 2);
    walk_loss[i] = std::pow(r.actual[i] - r.previous[i], 2);
  }
  r.versus_random_walk = backtest::diebold_mariano(model_loss, walk_loss, static_cast<int>(spec.horizon));
  const auto& dm = *r.versus_random_walk;
  t += fmt::format(
      "\nsignificance at the {} % level:\n"
      "- forecast: Diebold-Mariano on squared errors against the random walk (HLN-corrected, lag {}): DM {:+.2f}, p "
      "{:.3f}: the model {}\n",
      100 * spec.significance, spec.horizon - 1, dm.statistic, dm.p_value,
      backtest::verdict_phrase(backtest::verdict(dm, spec.significance), "the random walk"));
  r.sharpe_versus_hold =
      backtest::sharpe_difference(r.strategy.returns, r.buy_and_hold.returns,
                                  {.level = 1 - spec.significance, .periods_per_year = spec.periods_per_year});
  const auto& sd = *r.sharpe_versus_hold;
  t += fmt::format(
      "- strategy: Sharpe ratio of long/flat minus buy and hold {:+.2f}, {:.0f} % interval [{:+.2f}, {:+.2f}] "
      "(paired circular block bootstrap, blocks of {} periods, {} resamples; p {:.3f}): long/flat {}\n",
      sd.difference, 100 * sd.level, sd.lower, sd.upper, sd.block_length, sd.resamples, sd.p_value,
      backtest::verdict_phrase(backtest::verdict(sd), "buy and hold"));
}

// A strategy on a level nobody can trade (a volatility index, a rate) earns returns
// nobody could have had: say so above the strategy table.
void check_tradable(const ForecastSpec& spec, const ForecastData& data, ForecastResult& r) {
  std::vector<double> log_price(data.price.size());
  for (size_t t = 0; t < log_price.size(); ++t) log_price[t] = std::log(data.price[t]);
  if (!spec.tradable) {
    try {
      r.adf = backtest::adf_test(log_price);
    } catch (const ValueError& e) {  // advisory only: a series the regression cannot fit is not an error
      r.warning = fmt::format("note: whether {} is a traded price was not tested ({})", spec.target, e.what());
      return;
    }
  }
  const bool warn = spec.tradable ? !*spec.tradable : r.adf.mean_reverting;
  if (!warn) return;
  r.warning = spec.tradable
                  ? fmt::format(
                        "warning: [backtest] tradable = false: {} is not a traded price, so the strategy's "
                        "figures are not returns anyone could have earned",
                        spec.target)
                  : fmt::format(
                        "warning: {} looks mean-reverting (augmented Dickey-Fuller on its log: t = {:.2f} < {:.2f}, "
                        "the 5 % critical value, {} lags), where a traded price wanders like a random walk. If it is "
                        "an index level (a volatility index, a rate), it cannot be bought at these levels, and the "
                        "strategy's figures are not returns anyone could have earned. Set [backtest] tradable = true "
                        "if it is a traded price.",
                        spec.target, r.adf.statistic, r.adf.critical_5, r.adf.lags);
}

// The points, the metrics and the strategy of the forecasts of samples [first, num_samples).
void score(const ForecastSpec& spec, const ForecastData& data, const std::vector<double>& forecast, ForecastResult& r) {
  const int64_t first = data.num_samples - static_cast<int64_t>(forecast.size());
  std::vector<double> asset_returns;
  r.equity_days.push_back(data.series.time[data.last_input(first)]);
  for (size_t i = 0; i < forecast.size(); ++i) {
    const int64_t s = first + static_cast<int64_t>(i);
    const double prev = data.price[data.last_input(s)];
    r.previous.push_back(prev);
    r.actual.push_back(data.price[data.target_time(s)]);
    r.predicted.push_back(prev * std::exp(forecast[i]));
    asset_returns.push_back(data.price[data.last_input(s) + 1] / prev - 1.0);  // the next period's return
    r.days.push_back(data.series.time[data.target_time(s)]);
    r.dates.push_back(data.series.dates[data.target_time(s)]);
    r.equity_days.push_back(data.series.time[data.last_input(s) + 1]);
  }
  r.forecast_log_return = forecast;
  r.model = backtest::forecast_metrics(r.actual, r.predicted, r.previous);
  r.random_walk = backtest::random_walk_baseline(r.actual, r.previous);
  r.always_up = backtest::always_up_baseline(r.actual, r.previous);
  const backtest::StrategyOptions so{.cost_per_turnover = spec.cost_bps / 1e4,
                                     .periods_per_year = spec.periods_per_year};
  r.strategy = backtest::long_flat(asset_returns, forecast, spec.threshold, so);
  r.buy_and_hold = backtest::buy_and_hold(asset_returns, so);

  std::string& t = r.summary;
  t = fmt::format("forecasts of {} on {} test points ({} .. {}), horizon {}:\n", spec.target, r.actual.size(),
                  data.series.dates[data.target_time(first)], data.series.dates.back(), spec.horizon);
  t += "| forecast | MAE | RMSE | MAPE | directional accuracy |\n|---|---|---|---|---|\n";
  t += metrics_row("model", r.model) + metrics_row("random walk (tomorrow = today)", r.random_walk) +
       metrics_row("always up", r.always_up);
  t += "verdict: " + backtest::verdict(r.model, r.random_walk, r.always_up) + "\n\n";
  if (!r.warning.empty()) t += r.warning + "\n";
  t += fmt::format("long/flat on the forecasts (long when the forecast log return > {}), {} bp per unit traded:\n",
                   spec.threshold, spec.cost_bps);
  t += "| strategy | cumulative | annualized | Sharpe | max drawdown | turnover | time long |\n"
       "|---|---|---|---|---|---|---|\n";
  t += strategy_row("long/flat (model)", r.strategy) + strategy_row("buy and hold", r.buy_and_hold);
  significance(spec, r);
}

}  // namespace

ForecastTask::ForecastTask(JobSpec job) : job_(std::move(job)) {
  if (!job_.data.series())
    throw ConfigError(fmt::format("{}: the forecasting task works on series data (source is \"{}\")",
                                  job_.file.string(), job_.data.source));
}

ForecastResult ForecastTask::run(uint64_t seed, bool walk_forward, const Progress& progress) const {
  const ForecastSpec& spec = job_.forecast;
  const ForecastData data = load_forecast_data(spec);
  const int64_t n = data.series.length();
  const int64_t initial = first_test_sample(spec, data);
  report_progress(
      progress,
      fmt::format("data: {} rows of {} from {} ({} .. {}); {} features; {} windows of {} steps; test: the last "
                  "{} points, {}",
                  n, spec.target, data.series.source, data.series.dates.front(), data.series.dates.back(),
                  data.features.size(), data.num_samples, spec.sequence_length, data.num_samples - initial,
                  walk_forward ? fmt::format("walk-forward ({}), retrained every {}", spec.window, spec.retrain_every)
                               : std::string("one fit on the span before")),
      nlohmann::json{
          {"event", "data"}, {"rows", n}, {"samples", data.num_samples}, {"test", data.num_samples - initial}});

  ForecastModel forecaster(job_, data);
  backtest::WalkForwardOptions wf;
  wf.initial_train = initial;
  wf.retrain_every = walk_forward ? spec.retrain_every : data.num_samples;
  wf.window = spec.window == "rolling" ? backtest::WindowKind::rolling : backtest::WindowKind::expanding;
  wf.rolling_size = spec.rolling_size;
  wf.gap = spec.horizon - 1;  // a training target may not lie in the test span
  int fold = 0;
  const bool variance = spec.target_kind == "variance";
  std::vector<double> garch;
  backtest::Garch11 last_garch;
  detail::VarCalibration calibration;
  // The VaR's tail needs the network's forecasts of days it never trained on, before the test
  // span: a fit on the first half of the first fit's span (all of the past, or with a rolling
  // window that window) forecasts the second half. The seed is reset before the main fits, so
  // their forecasts do not change.
  const bool calibrate = variance && spec.horizon == 1 && spec.var_method != "gaussian";
  const std::vector<double> forecast = backtest::run_walk_forward(
      data.num_samples, wf,
      [&](int64_t begin, int64_t end) {
        if (fold == 0 && calibrate) {
          calibration.model_first = begin + (end - begin) / 2;
          // Too few samples in the second half for the tail: no extra fit; the VaR table gives way to a note.
          if (end - calibration.model_first < detail::fewest_tail_returns(spec)) {
            calibration.model_first = end;
          } else {
            set_random_seed(seed);
            nn::clear_session();
            ForecastModel first_half(job_, data);
            first_half.fit(begin, calibration.model_first, 0);
            calibration.model_log_ratio = first_half.predict(calibration.model_first, end);
            report_progress(progress,
                            fmt::format("VaR tail: trained on samples [{}, {}) to forecast [{}, {}) out of sample",
                                        begin, calibration.model_first, calibration.model_first, end),
                            nlohmann::json{{"event", "var_calibration"},
                                           {"train_begin", begin},
                                           {"train_end", calibration.model_first},
                                           {"forecast_end", end}});
          }
        }
        set_random_seed(seed + static_cast<uint64_t>(fold));
        nn::clear_session();
        forecaster.fit(begin, end, 0);
        ++fold;
        report_progress(progress, fmt::format("fold {}: trained on samples [{}, {})", fold, begin, end),
                        nlohmann::json{{"event", "fold"}, {"fold", fold}, {"train_begin", begin}, {"train_end", end}});
      },
      [&](int64_t begin, int64_t end) {
        if (variance) {  // the GARCH baseline is refitted when the model is, on the same past
          const std::vector<double> g = detail::garch_forecasts(data, begin, end, &last_garch);
          garch.insert(garch.end(), g.begin(), g.end());
        }
        return forecaster.predict(begin, end);
      });

  ForecastResult r;
  r.walk_forward = walk_forward;
  r.source = data.series.source;
  r.target_kind = spec.target_kind;
  if (variance) {
    detail::score_variance(spec, data, forecast, garch, last_garch, calibration, r);
  } else {
    check_tradable(spec, data, r);
    score(spec, data, forecast, r);
  }
  nlohmann::json preprocessing = forecaster.preprocessing_json();
  if (variance)  // so that a saved model forecasts its baselines and the combination too
    preprocessing["garch"] = {{"omega", last_garch.omega}, {"alpha", last_garch.alpha}, {"beta", last_garch.beta}};
  forecaster.model().set_attachment("forecast", preprocessing);
  r.fitted = forecaster.model_ptr();
  return r;
}

}  // namespace deepfin::tasks
