// What a forecasting run writes: the report with its figures, the per-point
// predictions, and the model file.
#include <fmt/format.h>

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
  report::plot_forecast(r.days, r.actual, r.predicted, title + ", forecast vs actual", dir + "/forecast.png");
  report::plot_equity(r.equity_days,
                      {{"long/flat (model)", r.strategy.equity}, {"buy and hold", r.buy_and_hold.equity}},
                      title + ", equity", dir + "/equity.png");
  const std::string md = fmt::format(
      "# {} — {}\n\nJob: `{}`; data: `{}`.\n\n```\n{}```\n\n![forecast vs actual](forecast.png)\n\n![equity "
      "curves](equity.png)\n",
      job_.forecast.target, r.walk_forward ? "walk-forward backtest" : "held-out test span", job_.file.string(),
      r.source, r.summary);
  const std::string name = r.walk_forward ? "backtest.md" : "test.md";
  io::write_file_atomic(dir + "/" + name, md);
  return name;
}

void ForecastTask::write_predictions(const ForecastResult& r, const std::string& path) const {
  std::string csv = "date,previous,actual,forecast,forecast_log_return,position\n";
  for (size_t i = 0; i < r.actual.size(); ++i)
    csv += fmt::format("{},{},{},{:.6f},{:.8f},{}\n", r.dates[i], r.previous[i], r.actual[i], r.predicted[i],
                       r.forecast_log_return[i], r.strategy.positions[i]);
  io::write_output_file(path, csv);
}

void ForecastTask::save(const ForecastResult& r, const std::string& path) const {
  io::create_parent_dir(path);
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
