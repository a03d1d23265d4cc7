// The forecasting task from C++ with no job file and no CLI: one fit and a
// walk-forward run on a synthetic price series, the report and predictions, and
// a saved model that reloads with nothing from the job and forecasts from raw rows
// what the task forecast for the same window.
#include "deepfin/tasks/forecast_task.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "deepfin/base/error.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/tasks/saved_forecaster.h"
#include "task_test_files.h"

namespace deepfin::tasks {
namespace {

class ForecastTaskApi : public testing::TaskFiles {
 protected:
  std::string prices(int rows) const {
    std::mt19937 gen(9);
    std::normal_distribution<double> step(0.0003, 0.01);
    std::string csv = "date,close,volume\n";
    double p = 100, v = 1000;
    for (int i = 0; i < rows; ++i) {
      p *= std::exp(step(gen));
      v *= std::exp(step(gen));
      csv += fmt::format("{:04d}-{:02d}-{:02d},{},{}\n", 2020 + i / 336, 1 + (i / 28) % 12, 1 + i % 28,
                         std::to_string(p), std::to_string(v));
    }
    return csv;
  }
  JobSpec job() const {
    JobSpec job;
    job.file = "forecast_in_code";
    job.data.source = "series";
    job.forecast.path = write("prices.csv", prices(220));
    job.forecast.target = "close";
    job.forecast.rolling_mean = {3};
    job.forecast.rolling_volatility = {5};
    job.forecast.sequence_length = 10;
    job.forecast.test_fraction = 0.25;
    job.forecast.retrain_every = 20;
    job.model = {{"class_name", "Sequential"},
                 {"config",
                  {{"layers",
                    {{{"class_name", "LSTM"}, {"config", {{"units", 4}}}},
                     {{"class_name", "Dense"}, {"config", {{"units", 1}}}}}}}}};
    job.compile = {{"optimizer", "adam"}, {"loss", "mse"}};
    job.fit.epochs = 2;
    job.fit.verbose = 0;
    return job;
  }
};

TEST_F(ForecastTaskApi, OneFitWalkForwardAndTheirOutputs) {
  const ForecastTask task(job());
  const ForecastResult once = task.run(1, false);
  EXPECT_EQ(once.actual.size(), 55u);  // round(0.25 * 220)
  EXPECT_EQ(once.forecast_log_return.size(), once.actual.size());
  EXPECT_NE(once.summary.find("random walk (tomorrow = today)"), std::string::npos);
  int folds = 0;
  const ForecastResult walk = task.run(1, true, [&](const std::string&, const nlohmann::json& e) {
    if (e.at("event") == "fold") {
      EXPECT_EQ(e.at("fold"), ++folds);
    }
  });
  EXPECT_EQ(folds, 3);  // 55 points, retrained every 20
  EXPECT_EQ(walk.actual, once.actual);
  EXPECT_EQ(task.write_report(walk, path("report")), "backtest.md");
  task.write_predictions(walk, path("pred.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / "equity.png"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "pred.csv"));
}

TEST_F(ForecastTaskApi, TheSavedModelForecastsFromRawRowsAsTheTaskDid) {
  const ForecastTask task(job());
  const ForecastResult r = task.run(2, false);
  task.save(r, path("f.safetensors"));
  const SavedForecaster saved = SavedForecaster::load(path("f.safetensors"));
  EXPECT_EQ(saved.sequence_length(), 10);
  EXPECT_EQ(saved.columns(), (std::vector<std::string>{"close", "volume"}));
  const data::TimeSeries series = data::read_series_csv(path("prices.csv"));
  // The last test point's window ends one row before the last row (horizon 1).
  const NextForecast next = saved.next(series.slice(0, series.length() - 1));
  EXPECT_NEAR(next.log_return, r.forecast_log_return.back(), 1e-6);
  EXPECT_NEAR(next.price, r.predicted.back(), 1e-6 * r.predicted.back());

  try {
    saved.next(series.slice(0, 12));
    FAIL() << "12 rows forecast with a warm-up of 5 and a window of 10";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("12 rows are too few"), std::string::npos) << e.what();
  }
}

TEST_F(ForecastTaskApi, HorizonTwoAndOtherColumnsInAnotherOrder) {
  JobSpec spec = job();
  spec.forecast.horizon = 2;
  const ForecastTask task(spec);
  const ForecastResult r = task.run(3, false);
  task.save(r, path("h2.safetensors"));
  const SavedForecaster saved = SavedForecaster::load(path("h2.safetensors"));
  EXPECT_EQ(saved.horizon(), 2);
  // The same rows with the columns reordered and one more the model never saw.
  std::string csv = "date,volume,open,close\n";
  const data::TimeSeries original = saved.read(path("prices.csv"));
  for (int64_t t = 0; t < original.length(); ++t)
    csv += fmt::format("{},{},{},{}\n", original.dates[t], original.values[1][t], 1.0 + t, original.values[0][t]);
  const data::TimeSeries shuffled = data::read_series_csv(write("shuffled.csv", csv));
  // The last test point's window ends two rows before the last row.
  const NextForecast next = saved.next(shuffled.slice(0, shuffled.length() - 2));
  EXPECT_NEAR(next.log_return, r.forecast_log_return.back(), 1e-6);
}

TEST_F(ForecastTaskApi, AFileWithoutForecastPreprocessingIsRefused) {
  JobSpec spec = job();
  const ForecastTask task(spec);
  ForecastResult r = task.run(2, false);
  r.fitted->set_attachment("forecast", nlohmann::json());
  task.save(r, path("plain.safetensors"));
  EXPECT_THROW(SavedForecaster::load(path("plain.safetensors")), FileError);
}

}  // namespace
}  // namespace deepfin::tasks
