// The forecasting task with [window] target = "variance" on a simulated GARCH series: the
// model against EWMA and GARCH(1,1) with Diebold-Mariano tests and VaR backtests, its
// outputs, and a saved model that forecasts the variance from raw rows as the task did.
// Then the return target's significance lines and the tradability warning.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "deepfin/backtest/filtered_historical_var.h"
#include "deepfin/backtest/significance.h"
#include "deepfin/backtest/volatility.h"
#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/forecast_model.h"
#include "deepfin/tasks/forecast_task.h"
#include "deepfin/tasks/saved_forecaster.h"
#include "task_test_files.h"
#include "testing/error_message.h"

namespace deepfin::tasks {
namespace {

// Daily dates from 2000-01-01 on, 28 days a month.
std::string date(int i) {
  return fmt::format("{:04d}-{:02d}-{:02d}", 2000 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
}

class VolatilityTask : public testing::TaskFiles {
 protected:
  // Rows of the simulated series: 500 before the last 100 tested, enough for GARCH's first
  // out-of-sample year and a 99 % tail of the VaR after it.
  static constexpr int kRows = 600;
  // A GARCH(1,1) price: its variance clusters, which EWMA and GARCH can follow. From row
  // `shocked_from` on, every return is three times larger (a different future, the same past).
  std::string garch_prices(int rows, int shocked_from = -1) const {
    std::mt19937_64 gen(5);
    std::normal_distribution<double> z;
    std::string csv = "date,close\n";
    double p = 100, s = 1e-4;
    for (int i = 0; i < rows; ++i) {
      const double r = std::sqrt(s) * z(gen);
      s = 2e-6 + 0.1 * r * r + 0.88 * s;
      p *= std::exp(shocked_from >= 0 && i >= shocked_from ? 3 * r : r);
      csv += fmt::format("{},{}\n", date(i), p);
    }
    return csv;
  }
  JobSpec job(int horizon = 1) const {
    JobSpec job;
    job.file = "volatility_in_code";
    job.data.source = "series";
    job.forecast.path = write("garch.csv", garch_prices(kRows));
    job.forecast.target = "close";
    job.forecast.rolling_volatility = {5};
    job.forecast.sequence_length = 10;
    job.forecast.horizon = horizon;
    job.forecast.target_kind = "variance";
    job.forecast.test_fraction = 100.0 / kRows;
    job.forecast.retrain_every = 50;
    job.model = {{"class_name", "Sequential"},
                 {"config",
                  {{"layers",
                    {{{"class_name", "LSTM"}, {"config", {{"units", 4}}}},
                     {{"class_name", "Dense"}, {"config", {{"units", 1}}}}}}}}};
    job.compile = {{"optimizer", "adam"}, {"loss", "qlike"}};
    job.fit.epochs = 2;
    job.fit.verbose = 0;
    return job;
  }
};

TEST_F(VolatilityTask, ComparesTheModelWithEwmaAndGarchAndBacktestsItsVar) {
  const ForecastTask task(job());
  const ForecastResult r = task.run(1, true);
  ASSERT_EQ(r.target_kind, "variance");
  ASSERT_EQ(r.realized.size(), 100u);  // the last 100 of 600 rows
  ASSERT_EQ(r.variance_forecasts.size(), 4u);
  EXPECT_EQ(r.variance_forecasts[0].first, "model");
  EXPECT_EQ(r.variance_forecasts[2].first, "GARCH(1,1)");
  EXPECT_EQ(r.variance_forecasts[3].first, "combination");
  // The combination is the geometric mean of the other three, point by point.
  for (size_t i = 0; i < r.realized.size(); ++i) {
    double log_sum = 0;
    for (size_t k = 0; k < 3; ++k) log_sum += std::log(r.variance_forecasts[k].second[i]);
    ASSERT_NEAR(r.variance_forecasts[3].second[i], std::exp(log_sum / 3), 1e-12 * r.variance_forecasts[3].second[i]);
  }
  // The realized variance of a test point is the square of the return it is followed by.
  for (size_t i = 0; i < r.realized.size(); ++i) ASSERT_DOUBLE_EQ(r.realized[i], r.next_returns[i] * r.next_returns[i]);
  for (const auto& [name, f] : r.variance_forecasts)
    for (double v : f) ASSERT_TRUE(v > 0 && v < 1e-2) << name;
  // (model, combination) x (EWMA, GARCH) x (QLIKE, MSE)
  ASSERT_EQ(r.variance_comparisons.size(), 8u);
  EXPECT_EQ(r.variance_comparisons[0].forecaster, "model");
  EXPECT_EQ(r.variance_comparisons[7].forecaster, "combination");
  EXPECT_EQ(r.variance_comparisons[7].baseline, "GARCH(1,1)");
  EXPECT_EQ(r.variance_comparisons[7].loss, "MSE");
  // The combination's QLIKE test against the EWMA is the test of its own losses against the EWMA's.
  const backtest::DieboldMariano by_hand =
      backtest::diebold_mariano(backtest::qlike_losses(r.realized, r.variance_forecasts[3].second),
                                backtest::qlike_losses(r.realized, r.variance_forecasts[1].second), 1);
  EXPECT_DOUBLE_EQ(r.variance_comparisons[4].test.statistic, by_hand.statistic);
  EXPECT_EQ(r.var_backtests.size(), 8u);  // 4 forecasters x (99 %, 97.5 %)
  for (const auto& c : r.variance_comparisons) EXPECT_GE(c.test.p_value, 0.0);
  EXPECT_NE(r.summary.find("Diebold-Mariano"), std::string::npos);
  EXPECT_NE(r.summary.find("Basel zone"), std::string::npos);

  EXPECT_EQ(task.write_report(r, path("report")), "backtest.md");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / "volatility.png"));
  task.write_predictions(r, path("pred.csv"));
  std::ifstream in(path("pred.csv"));
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "date,realized_variance,model_variance,ewma_variance,garch_variance,combination_variance,next_return");
}

TEST_F(VolatilityTask, GarchIsRefittedOnlyOnThePast) {
  // The GARCH forecasts of a block do not change when the rows after it change.
  const ForecastTask task(job());
  const ForecastResult full = task.run(1, true);
  JobSpec cut = job();
  std::string csv = garch_prices(kRows);
  // Keep 550 rows: the first 50 test points' block (retrained every 50) sees the same past.
  std::istringstream lines(csv);
  std::string kept, line;
  for (int i = 0; i < kRows - 49 && std::getline(lines, line); ++i) kept += line + "\n";
  cut.forecast.path = write("cut.csv", kept);
  cut.forecast.test_fraction = 50.0 / (kRows - 50);  // the last 50 rows
  const ForecastResult part = ForecastTask(cut).run(1, true);
  ASSERT_EQ(part.realized.size(), 50u);
  // full's test points 0..49 are rows 500..549, part's are the same rows, with the same GARCH fit (on rows < 500).
  for (size_t i = 0; i < 50; ++i)
    EXPECT_NEAR(part.variance_forecasts[2].second[i], full.variance_forecasts[2].second[i], 1e-15);
}

TEST_F(VolatilityTask, TheVarTailIsMeasuredOnEachForecastersReturnsBeforeTheTestSpan) {
  const JobSpec spec = job();
  const ForecastResult full = ForecastTask(spec).run(1, true);
  ASSERT_EQ(full.var_backtests.size(), 8u);
  // The EWMA's row, by hand: every return before the test span over the EWMA's forecast of it,
  // from the first day GARCH has an out-of-sample forecast (after a year of returns; the EWMA
  // and GARCH are measured on the same days, the model and the combination on fewer).
  const ForecastData d = load_forecast_data(spec.forecast);
  const int64_t test_row = first_test_row(spec.forecast, d.series.length());
  std::vector<double> r, v;
  for (int64_t s = 0; d.target_time(s) < test_row; ++s) {
    if (d.last_input(s) < 252) continue;
    r.push_back(d.returns[d.target_time(s)]);
    v.push_back(d.ewma_forecast[d.target_time(s)]);
  }
  const backtest::StandardizedTail ewma = backtest::standardized_tail(r, v, 0.99);
  EXPECT_EQ(full.var_backtests[2].forecaster.substr(0, 4), "EWMA");
  EXPECT_EQ(full.var_backtests[2].calibration_returns, static_cast<int64_t>(r.size()));
  EXPECT_DOUBLE_EQ(full.var_backtests[2].var_multiple, ewma.var_multiple);
  EXPECT_DOUBLE_EQ(full.var_backtests[2].es_multiple, ewma.es_multiple);
  EXPECT_NE(full.summary.find("filtered historical simulation"), std::string::npos);

  // Another future from the test span's first row (500) on, the same past: no forecaster's tail
  // moves, while the backtest on the test span does.
  JobSpec shocked = spec;
  shocked.forecast.path = write("shocked.csv", garch_prices(kRows, kRows - 100));
  const ForecastResult other = ForecastTask(shocked).run(1, true);
  for (size_t k = 0; k < 8; ++k) {
    EXPECT_GT(other.var_backtests[k].calibration_returns, 200) << k;
    EXPECT_EQ(other.var_backtests[k].calibration_returns, full.var_backtests[k].calibration_returns) << k;
    EXPECT_NEAR(other.var_backtests[k].var_multiple, full.var_backtests[k].var_multiple, 1e-12) << k;
    EXPECT_NEAR(other.var_backtests[k].es_multiple, full.var_backtests[k].es_multiple, 1e-12) << k;
  }
  int64_t exceptions_other = 0, exceptions_full = 0;
  for (size_t k = 0; k < 8; ++k) {
    exceptions_other += other.var_backtests[k].backtest.exceptions;
    exceptions_full += full.var_backtests[k].backtest.exceptions;
  }
  EXPECT_GT(exceptions_other, exceptions_full);  // the larger returns break through more often

  JobSpec short_past = spec;  // the last 80 % tested: too few returns before them for a 99 % tail
  short_past.forecast.test_fraction = 0.8;
  const ForecastResult short_result = ForecastTask(short_past).run(1, false);
  EXPECT_FALSE(short_result.variance_comparisons.empty());  // the forecasts are still compared
  EXPECT_TRUE(short_result.var_backtests.empty());
  EXPECT_EQ(short_result.var_note.rfind("no VaR backtest: ", 0), 0u) << short_result.var_note;
  EXPECT_NE(short_result.summary.find("no VaR backtest: a filtered historical VaR at 99 % needs at least 100 returns "
                                      "before the test span"),
            std::string::npos)
      << short_result.summary;
  EXPECT_NE(short_result.var_note.find("for the model and the combination (the second half"), std::string::npos)
      << short_result.var_note;

  JobSpec gaussian = spec;
  gaussian.forecast.var_method = "gaussian";
  const ForecastResult g = ForecastTask(gaussian).run(1, false);
  EXPECT_NEAR(g.var_backtests[0].var_multiple, 2.3263478740, 1e-9);
  EXPECT_EQ(g.var_backtests[0].calibration_returns, 0);
  EXPECT_NE(g.summary.find("(Gaussian, zero mean)"), std::string::npos);
}

TEST_F(VolatilityTask, TheModelsTailIsMeasuredOutOfSampleByAFitOnTheFirstHalf) {
  const JobSpec spec = job();
  const ForecastResult r = ForecastTask(spec).run(1, false);
  ASSERT_EQ(r.var_backtests.size(), 8u);
  // By hand: a fit (seed 1) on the first half of the samples before the test span forecasts the
  // second half; its forecasts over the returns they were for give the model's tail.
  const ForecastData d = load_forecast_data(spec.forecast);
  const int64_t test_row = first_test_row(spec.forecast, d.series.length());
  int64_t initial = 0;
  while (d.target_time(initial) < test_row) ++initial;
  const int64_t half = initial / 2;
  set_random_seed(1);
  nn::clear_session();
  ForecastModel first_half(spec, d);
  first_half.fit(0, half, 0);
  const std::vector<double> log_ratio = first_half.predict(half, initial);
  std::vector<double> returns, variance;
  for (int64_t s = half; s < initial; ++s) {
    if (d.last_input(s) < 252) continue;  // GARCH's first year: no out-of-sample forecast to combine
    returns.push_back(d.returns[d.target_time(s)]);
    variance.push_back(d.ewma_forecast[d.target_time(s)] * std::exp(log_ratio[static_cast<size_t>(s - half)]));
  }
  ASSERT_GE(returns.size(), 100u);
  const backtest::StandardizedTail tail = backtest::standardized_tail(returns, variance, 0.99);
  EXPECT_EQ(r.var_backtests[0].forecaster, "model");
  EXPECT_EQ(r.var_backtests[0].calibration_returns, static_cast<int64_t>(returns.size()));
  EXPECT_DOUBLE_EQ(r.var_backtests[0].var_multiple, tail.var_multiple);
  EXPECT_DOUBLE_EQ(r.var_backtests[0].es_multiple, tail.es_multiple);
  EXPECT_EQ(r.var_backtests[6].forecaster, "combination");
  EXPECT_EQ(r.var_backtests[6].calibration_returns, static_cast<int64_t>(returns.size()));
  EXPECT_GT(r.var_backtests[2].calibration_returns, r.var_backtests[0].calibration_returns);  // the EWMA's whole past
  EXPECT_NE(r.summary.find("forecast by a fit on the half of the span before them"), std::string::npos);

  // The extra fit leaves the model's own forecasts as they were: the same job with Gaussian VaR
  // (no tail to measure, no extra fit) forecasts identically.
  JobSpec gaussian = spec;
  gaussian.forecast.var_method = "gaussian";
  const ForecastResult g = ForecastTask(gaussian).run(1, false);
  EXPECT_EQ(g.variance_forecasts[0].second, r.variance_forecasts[0].second);
}

TEST_F(VolatilityTask, TheSavedModelForecastsTheVarianceFromRawRows) {
  const ForecastTask task(job());
  const ForecastResult r = task.run(2, false);
  task.save(r, path("vol.safetensors"));
  const SavedForecaster saved = SavedForecaster::load(path("vol.safetensors"));
  EXPECT_EQ(saved.target_kind(), "variance");
  const data::TimeSeries series = data::read_series_csv(path("garch.csv"));
  const NextForecast next = saved.next(series.slice(0, series.length() - 1));
  EXPECT_EQ(next.kind, "variance");
  EXPECT_NEAR(next.variance, r.variance_forecasts[0].second.back(), 1e-6 * next.variance);
  // The baselines and the combination, as the task scored the last test point.
  EXPECT_NEAR(next.ewma_variance, r.variance_forecasts[1].second.back(), 1e-9 * next.ewma_variance);
  EXPECT_NEAR(next.garch_variance, r.variance_forecasts[2].second.back(), 1e-9 * next.garch_variance);
  EXPECT_NEAR(next.combination_variance, r.variance_forecasts[3].second.back(), 1e-6 * next.combination_variance);
  EXPECT_TRUE(std::isnan(next.log_return));
  // The last 300 rows are enough: the EWMA has forgotten where it started.
  const NextForecast recent = saved.next(series.slice(series.length() - 301, series.length() - 1));
  EXPECT_NEAR(recent.variance, next.variance, 1e-5 * next.variance);
  EXPECT_NEAR(recent.garch_variance, next.garch_variance, 1e-5 * next.garch_variance);

  // A file saved before GARCH was kept in it still forecasts the variance; the baselines it
  // cannot compute are NaN, not made up.
  nlohmann::json preprocessing = r.fitted->attachment("forecast");
  preprocessing.erase("garch");
  r.fitted->set_attachment("forecast", preprocessing);
  task.save(r, path("old.safetensors"));
  const NextForecast old = SavedForecaster::load(path("old.safetensors")).next(series.slice(0, series.length() - 1));
  EXPECT_DOUBLE_EQ(old.variance, next.variance);
  EXPECT_DOUBLE_EQ(old.ewma_variance, next.ewma_variance);
  EXPECT_TRUE(std::isnan(old.garch_variance) && std::isnan(old.combination_variance));

  // A persistent GARCH forgets its start slowly: 0.98^684 = 1e-6, so it needs 706 rows.
  preprocessing["garch"] = {{"omega", 1e-6}, {"alpha", 0.01}, {"beta", 0.98}};
  r.fitted->set_attachment("forecast", preprocessing);
  task.save(r, path("persistent.safetensors"));
  const SavedForecaster persistent = SavedForecaster::load(path("persistent.safetensors"));
  EXPECT_NE(testing::error_message<ValueError>([&] { persistent.next(series.slice(0, 599)); })
                .find("599 rows are too few for a variance model: its EWMA (lambda 0.94) and GARCH(1,1) (beta "
                      "0.9800) needs at least 706 rows"),
            std::string::npos);
  // A damaged GARCH in the file is refused when it is loaded, not answered as NaN.
  preprocessing["garch"]["beta"] = 0.995;
  r.fitted->set_attachment("forecast", preprocessing);
  task.save(r, path("damaged.safetensors"));
  EXPECT_NE(testing::error_message<FileError>([&] {
              SavedForecaster::load(path("damaged.safetensors"));
            }).find("is not a stationary model"),
            std::string::npos);
  try {
    saved.next(series.slice(0, 200));
    FAIL() << "200 rows for a variance model";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("200 rows are too few for a variance model"), std::string::npos) << e.what();
  }
}

TEST_F(VolatilityTask, AWeekAheadSumsFiveSquaredReturnsAndSkipsTheVar) {
  const ForecastTask task(job(5));
  const ForecastResult r = task.run(1, false);
  ASSERT_FALSE(r.realized.empty());
  EXPECT_TRUE(r.var_backtests.empty());
  // The saved model's GARCH sums the same five-day term structure the task scored.
  task.save(r, path("week.safetensors"));
  const data::TimeSeries series = data::read_series_csv(path("garch.csv"));
  const NextForecast next = SavedForecaster::load(path("week.safetensors")).next(series.slice(0, series.length() - 5));
  EXPECT_NEAR(next.ewma_variance, r.variance_forecasts[1].second.back(), 1e-9 * next.ewma_variance);
  EXPECT_NEAR(next.garch_variance, r.variance_forecasts[2].second.back(), 1e-9 * next.garch_variance);
  EXPECT_NEAR(next.combination_variance, r.variance_forecasts[3].second.back(), 1e-6 * next.combination_variance);
  EXPECT_NE(r.summary.find("VaR backtests apply to next-period forecasts"), std::string::npos);
  EXPECT_NE(r.summary.find("lag 4"), std::string::npos);
}

TEST_F(VolatilityTask, AVarianceTargetNeedsTheQlikeLoss) {
  JobSpec spec = job();
  spec.compile["loss"] = "mse";
  const ForecastTask task(spec);
  try {
    task.run(1, false);
    FAIL() << "a variance target trained with mse";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("loss = \"qlike\""), std::string::npos) << e.what();
  }
}

class ReturnSignificance : public VolatilityTask {
 protected:
  JobSpec return_job(const std::string& csv) const {
    JobSpec spec = job();
    spec.forecast.target_kind = "return";
    spec.forecast.path = write("series.csv", csv);
    spec.compile["loss"] = "mse";
    return spec;
  }
  // A level pulled back to 20, like a volatility index.
  static std::string mean_reverting(int rows) {
    std::mt19937_64 gen(3);
    std::normal_distribution<double> z;
    std::string csv = "date,close\n";
    double level = 20;
    for (int i = 0; i < rows; ++i) {
      level = 20 + 0.9 * (level - 20) + z(gen);
      csv += fmt::format("{},{}\n", date(i), std::max(level, 5.0));
    }
    return csv;
  }
};

TEST_F(ReturnSignificance, EveryComparisonHasItsTest) {
  const ForecastResult r = ForecastTask(return_job(garch_prices(400))).run(1, false);
  ASSERT_TRUE(r.versus_random_walk.has_value());
  ASSERT_TRUE(r.sharpe_versus_hold.has_value());
  EXPECT_EQ(r.versus_random_walk->n, static_cast<int64_t>(r.actual.size()));
  EXPECT_LE(r.sharpe_versus_hold->lower, r.sharpe_versus_hold->upper);
  EXPECT_NE(r.summary.find("Diebold-Mariano on squared errors against the random walk"), std::string::npos);
  EXPECT_NE(r.summary.find("block bootstrap"), std::string::npos);
  EXPECT_TRUE(r.warning.empty()) << r.warning;  // a random walk in logs is a price
  EXPECT_FALSE(r.adf.mean_reverting);
}

TEST_F(ReturnSignificance, AMeanRevertingLevelIsFlaggedUnlessDeclaredTradable) {
  JobSpec spec = return_job(mean_reverting(400));
  const ForecastResult flagged = ForecastTask(spec).run(1, false);
  EXPECT_TRUE(flagged.adf.mean_reverting);
  EXPECT_NE(flagged.warning.find("looks mean-reverting"), std::string::npos);
  EXPECT_NE(flagged.summary.find(flagged.warning), std::string::npos);
  spec.forecast.tradable = true;
  EXPECT_TRUE(ForecastTask(spec).run(1, false).warning.empty());
  JobSpec price = return_job(garch_prices(400));
  price.forecast.tradable = false;
  EXPECT_NE(ForecastTask(price).run(1, false).warning.find("tradable = false"), std::string::npos);
}

}  // namespace
}  // namespace deepfin::tasks
