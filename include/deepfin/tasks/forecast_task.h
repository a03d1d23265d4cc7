#pragma once
// The forecasting task (investment analysis): a dated price series in, a
// sequence model of the next log return out, judged the way the field judges
// one. Walk-forward evaluation on the last share of the series (retrain every k
// points, expanding or rolling window), the random walk and "always up" on the
// same points, and a long/flat strategy on the forecasts against buy-and-hold.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "deepfin/backtest/forecast_metrics.h"
#include "deepfin/backtest/strategy.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"

namespace deepfin::tasks {

struct ForecastResult {
  bool walk_forward = false;  // false: one fit on the span before the test span
  std::string source;         // the series file
  // Per test point: its date, the price before, the price, the forecast price and log return.
  std::vector<std::string> dates;
  std::vector<double> previous, actual, predicted, forecast_log_return;
  std::vector<double> days, equity_days;  // fractional years, for the figures
  backtest::ForecastMetrics model, random_walk, always_up;
  backtest::StrategyResult strategy, buy_and_hold;
  std::string summary;  // the metrics and strategy tables, as printed and put in the report
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
