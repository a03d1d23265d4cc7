#pragma once
// The forecasting task (investment analysis): a dated price series in, a
// sequence model of the next log return out, judged the way the field judges
// one. Walk-forward evaluation on the last share of the series (retrain every k
// points, expanding or rolling window), the random walk and "always up" on the
// same points, and a long/flat strategy on the forecasts against buy-and-hold, each
// comparison with its significance. With [window] target = "variance" it forecasts
// realized variance instead, against EWMA and GARCH(1,1), with VaR backtests.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/backtest/forecast_metrics.h"
#include "deepfin/backtest/significance.h"
#include "deepfin/backtest/strategy.h"
#include "deepfin/backtest/unit_root.h"
#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"

namespace deepfin::tasks {

// One Diebold-Mariano comparison of the variance model with a baseline, on one loss.
struct VarianceComparison {
  std::string forecaster, baseline, loss;  // e.g. "combination", "GARCH(1,1)", "QLIKE"
  backtest::DieboldMariano test;
  backtest::Verdict verdict = backtest::Verdict::ties;
};

// The VaR/ES backtest of one forecaster at one level.
struct VarianceVarBacktest {
  std::string forecaster;
  backtest::VarBacktest backtest;
  // VaR and ES in units of the forecast volatility: the Gaussian's, or the tail measured
  // on the forecaster's standardized returns before the test span (n of them).
  double var_multiple = 0, es_multiple = 0;
  int64_t calibration_returns = 0;  // 0 for the Gaussian
};

struct ForecastResult {
  bool walk_forward = false;  // false: one fit on the span before the test span
  std::string source;         // the series file
  // Per test point: its date, the price before, the price, the forecast price and log return.
  std::vector<std::string> dates;
  std::vector<double> previous, actual, predicted, forecast_log_return;
  std::vector<double> days, equity_days;  // fractional years, for the figures
  backtest::ForecastMetrics model, random_walk, always_up;
  backtest::StrategyResult strategy, buy_and_hold;
  // Is the difference real? Squared errors of the model's level forecasts against the random
  // walk's, and the long/flat strategy's Sharpe ratio against buy-and-hold's.
  std::optional<backtest::DieboldMariano> versus_random_walk;
  std::optional<backtest::SharpeDifference> sharpe_versus_hold;
  backtest::AdfTest adf;  // on the log of the target (unless [backtest] tradable is set): does it wander like a price?
  std::string warning;    // non-empty when the target does not look like a traded price (or could not be tested)
  // [window] target = "variance": per test point, the realized variance, each forecaster's
  // variance forecast (model, EWMA, GARCH(1,1), their combination) and the returns the VaR was made for.
  std::string target_kind = "return";
  std::vector<double> realized;
  std::vector<std::pair<std::string, std::vector<double>>> variance_forecasts;
  std::vector<std::string> variance_keys;  // their names in files: model, ewma, garch, combination
  std::vector<double> next_returns;
  std::vector<std::pair<std::string, double>> mean_qlike;  // per forecaster, in variance_forecasts' order
  std::vector<VarianceComparison> variance_comparisons;
  std::vector<VarianceVarBacktest> var_backtests;  // horizon 1 only
  std::string var_note;  // why var_backtests is empty at horizon 1 (too short a past for the tail), else empty
  std::string summary;   // the metrics and strategy tables, as printed and put in the report
  // The last fitted model, with its scalers and feature layout attached for the model file.
  std::shared_ptr<models::Model> fitted;
};

class ForecastTask {
 public:
  // ConfigError unless the job's data is a series.
  explicit ForecastTask(JobSpec job);
  const JobSpec& job() const { return job_; }

  // Reads the series, then fits and forecasts: walk-forward, or once on the span
  // before the test span. Every fold starts from seed + fold.
  ForecastResult run(uint64_t seed, bool walk_forward, const Progress& progress = {}) const;

  // backtest.md (or test.md) with forecast.png and equity.png in `dir`; returns the Markdown's file name.
  std::string write_report(const ForecastResult& result, const std::string& dir) const;
  // date,previous,actual,forecast,forecast_log_return,position per test point (atomic).
  void write_predictions(const ForecastResult& result, const std::string& path) const;
  // The last fitted model with its preprocessing (atomic).
  void save(const ForecastResult& result, const std::string& path) const;

 private:
  JobSpec job_;
};

}  // namespace deepfin::tasks
