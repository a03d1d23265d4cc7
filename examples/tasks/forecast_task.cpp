// The forecasting task from C++: a walk-forward backtest of a job file's
// sequence model, then the saved model forecasting the next day from raw rows.
//   build/release/examples/forecast_task [examples/forecast_sp500.toml]
#include <deepfin/deepfin.h>
#include <fmt/format.h>

using namespace deepfin;

int main(int argc, char** argv) try {
  tasks::JobSpec job = tasks::load_job_file(argc > 1 ? argv[1] : "examples/forecast_sp500.toml");
  job.fit.verbose = 0;
  const tasks::ForecastTask task(job);
  const tasks::ForecastResult result = task.run(
      job.seed.value_or(42), true, [](const std::string& text, const nlohmann::json&) { fmt::print("{}\n", text); });
  fmt::print("{}", result.summary);
  task.save(result, "forecast_task_example.safetensors");

  const tasks::SavedForecaster saved = tasks::SavedForecaster::load("forecast_task_example.safetensors");
  const data::TimeSeries series = saved.read(job.forecast.path);  // read as training read it
  const tasks::NextForecast next = saved.next(series);
  fmt::print("after {}: {} forecast {:.2f} (log return {:+.5f})\n", next.after, saved.target(), next.price,
             next.log_return);
  return 0;
} catch (const deepfin::Error& e) {
  fmt::print(stderr, "error: {}\n", e.what());
  return 1;
}
