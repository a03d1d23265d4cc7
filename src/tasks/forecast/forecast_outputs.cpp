// What a forecasting run writes: the report with its figures, the per-point
// predictions, and the model file.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "deepfin/io/atomic_file.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/report/forecast_figures.h"
#include "deepfin/tasks/evaluation_record.h"
#include "deepfin/tasks/forecast_task.h"

namespace deepfin::tasks {

std::string ForecastTask::write_report(const ForecastResult& r, const std::string& dir) const {
  io::create_output_dir(dir, "the report");
  const std::string what = r.walk_forward ? "walk-forward backtest" : "test span";
  const std::string title = fmt::format("{}: {}", job_.forecast.target, what);
  std::string figures;
  if (r.target_kind == "variance") {
    report::plot_volatility(r.days, r.realized, r.variance_forecasts, job_.forecast.periods_per_year,
                            static_cast<int>(job_.forecast.horizon), title + ", volatility forecasts",
                            dir + "/volatility.png");
    figures = "![volatility forecasts against realized volatility](volatility.png)\n";
  } else {
    std::vector<double> actual_return(r.actual.size());
    for (size_t i = 0; i < actual_return.size(); ++i) actual_return[i] = std::log(r.actual[i] / r.previous[i]);
    report::plot_forecast(r.days, r.actual, r.predicted, title + ", forecast vs actual", dir + "/forecast.png");
    report::plot_forecast_returns(r.days, actual_return, r.forecast_log_return, title + ", log returns",
                                  dir + "/returns.png");
    report::plot_equity(r.equity_days,
                        {{"long/flat (model)", r.strategy.equity}, {"buy and hold", r.buy_and_hold.equity}},
                        title + ", equity", dir + "/equity.png");
    figures =
        "![forecast vs actual](forecast.png)\n\n![forecast vs actual log returns](returns.png)\n\n![equity "
        "curves](equity.png)\n";
  }
  const std::string md = fmt::format("# {} — {}\n\nJob: `{}`; data: `{}`.\n\n```\n{}```\n\n{}", job_.forecast.target,
                                     r.walk_forward ? "walk-forward backtest" : "held-out test span",
                                     job_.file.string(), r.source, r.summary, figures);
  const std::string name = r.walk_forward ? "backtest.md" : "test.md";
  io::write_file_atomic(dir + "/" + name, md);
  return name;
}

void ForecastTask::write_predictions(const ForecastResult& r, const std::string& path) const {
  if (r.target_kind == "variance") {
    std::string csv = "date,realized_variance";
    for (const std::string& key : r.variance_keys) csv += "," + key + "_variance";
    csv += ",next_return\n";
    for (size_t i = 0; i < r.realized.size(); ++i) {
      csv += fmt::format("{},{:.10g}", r.dates[i], r.realized[i]);
      for (const auto& [name, f] : r.variance_forecasts) csv += fmt::format(",{:.10g}", f[i]);
      csv += fmt::format(",{:.10g}\n", r.next_returns[i]);
    }
    io::write_output_file(path, csv);
    return;
  }
  std::string csv = "date,previous,actual,forecast,forecast_log_return,position\n";
  for (size_t i = 0; i < r.actual.size(); ++i)
    csv += fmt::format("{},{},{},{:.6f},{:.8f},{}\n", r.dates[i], r.previous[i], r.actual[i], r.predicted[i],
                       r.forecast_log_return[i], r.strategy.positions[i]);
  io::write_output_file(path, csv);
}

void ForecastTask::save(const ForecastResult& r, const std::string& path) const {
  io::create_parent_dir(path);
  if (r.target_kind == "variance") {
    std::map<std::string, double> metrics;
    for (size_t i = 0; i < r.mean_qlike.size(); ++i)
      metrics[r.variance_keys[i] + "_mean_qlike"] = r.mean_qlike[i].second;
    record_evaluation(*r.fitted, r.walk_forward ? "walk-forward test span" : "test span after the training span",
                      static_cast<int64_t>(r.realized.size()), metrics, r.source);
    r.fitted->save(path);
    return;
  }
  record_evaluation(*r.fitted, r.walk_forward ? "walk-forward test span" : "test span after the training span",
                    r.model.n,
                    {{"mae", r.model.mae},
                     {"rmse", r.model.rmse},
                     {"mape_percent", r.model.mape},
                     {"directional_accuracy", r.model.directional_accuracy},
                     {"random_walk_mape_percent", r.random_walk.mape}},
                    r.source);
  r.fitted->save(path);
}

}  // namespace deepfin::tasks
