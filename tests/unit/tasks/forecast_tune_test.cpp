// deepfin tune on series jobs: walk-forward folds that never train on the future nor
// reach into the test span, the default space of a recurrent forecaster, a nested run
// with dated folds, and the mistakes a series job can make.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/io/read_file.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/forecast_model.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/search_space.h"
#include "deepfin/tasks/tuner.h"
#include "task_test_files.h"
#include "tasks/tune/job_tuning.h"
#include "testing/error_message.h"

namespace deepfin::tasks {
namespace {

// 300 daily closes (2000-01-01 on, 28 days a month) of a noisy upward walk.
std::string closes_csv() {
  std::mt19937 gen(7);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::string csv = "date,close\n";
  double log_price = std::log(100.0);
  for (int i = 0; i < 300; ++i) {
    log_price += 0.001 + noise(gen);
    csv += fmt::format("{:04d}-{:02d}-{:02d},{:.6f}\n", 2000 + i / 336, 1 + (i / 28) % 12, 1 + i % 28,
                       std::exp(log_price));
  }
  return csv;
}

// The data lines of a CSV, header dropped.
std::vector<std::string> split_lines(const std::string& csv) {
  std::vector<std::string> lines;
  size_t start = csv.find('\n') + 1;
  for (size_t end; (end = csv.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(csv.substr(start, end - start));
  return lines;
}

class ForecastTune : public testing::TaskFiles {
 protected:
  // Without rolling features the first log return is the only warm-up: with a window of 5 and
  // horizon h, the first target is row 5 + h, and the test span starts at row 240.
  std::string job_text(const std::string& extra, int horizon = 1, const std::string& target = "return") const {
    return fmt::format(
        "seed = 3\n[data]\nsource = \"series\"\npath = \"{}\"\ntarget = \"close\"\n"
        "[window]\nsequence_length = 5\nhorizon = {}\ntarget = \"{}\"\n"
        "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"LSTM\"\n"
        "config = {{ units = 4 }}\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = {{ units = 1 }}\n"
        "[compile]\noptimizer = {{ class_name = \"Adam\", config = {{ learning_rate = 0.01 }} }}\nloss = \"{}\"\n"
        "[fit]\nepochs = 2\nbatch_size = 32\nverbose = 0\n[backtest]\ntest_fraction = 0.2\n"
        "[output]\nreport = \"{}\"\n{}",
        write("closes.csv", closes_csv()), horizon, target, target == "variance" ? "qlike" : "mse", path("report"),
        extra);
  }
  nlohmann::json job(const std::string& extra, int horizon = 1, const std::string& target = "return") const {
    return job_file_json(job_text(extra, horizon, target), "series.toml");
  }
};

TEST_F(ForecastTune, FoldsWalkForwardWithTheHorizonsGapAndStopBeforeTheTestSpan) {
  const auto tuning = detail::forecast_tuning(job("", 3), "series.toml");
  ASSERT_EQ(tuning->num_rows(), 240u - 8u);  // targets at rows 8 .. 239
  const std::vector<std::string> dates = tuning->row_names();
  EXPECT_EQ(dates.front(), "2000-01-09");  // row 8
  EXPECT_EQ(dates.back(), "2000-09-16");   // row 239, the last before the test span
  std::vector<int64_t> rows(100);
  for (int64_t i = 0; i < 100; ++i) rows[static_cast<size_t>(i)] = i + 20;
  const std::vector<data::FoldIndices> folds = tuning->folds(rows, 3, 0);
  ASSERT_EQ(folds.size(), 3u);
  for (size_t i = 0; i < folds.size(); ++i) {
    const data::FoldIndices& f = folds[i];
    ASSERT_EQ(f.test.size(), 25u);  // 100 / (3 + 1)
    EXPECT_EQ(f.test.front(), 20 + 25 * static_cast<int64_t>(i + 1));
    EXPECT_EQ(f.test.back() - f.test.front(), 24);
    EXPECT_EQ(f.train.front(), 20);                 // expanding: all the past
    EXPECT_EQ(f.train.back(), f.test.front() - 3);  // horizon 3: 2 rows left out before the test block
  }
  // A rolling backtest window fits on the last rolling_size rows before each block, as the backtest does.
  nlohmann::json rolling_job = job("", 3);
  rolling_job["backtest"]["window"] = "rolling";
  rolling_job["backtest"]["rolling_size"] = 30;
  for (const data::FoldIndices& f : detail::forecast_tuning(rolling_job, "series.toml")->folds(rows, 3, 0)) {
    EXPECT_EQ(f.train.size(), std::min<size_t>(30, static_cast<size_t>(f.test.front() - 2 - 20)));  // 23, 30, 30
    EXPECT_EQ(f.train.back(), f.test.front() - 3);
  }
  EXPECT_NE(testing::error_message([&] {
              tuning->folds({0, 1, 2, 3, 4}, 3, 0);
            }).find("walk-forward tuning cannot cut 5 points"),
            std::string::npos);
}

TEST_F(ForecastTune, TheDefaultSpaceSearchesTheWindowEpochsAndRecurrentUnits) {
  const SearchSpace space = default_search_space(job(""));
  std::vector<std::string> paths;
  for (const SearchParam& p : space) paths.push_back(p.path);
  for (const std::string want : {"window.sequence_length", "fit.epochs", "model.config.layers.0.config.units",
                                 "compile.optimizer.config.learning_rate"})
    EXPECT_NE(std::find(paths.begin(), paths.end(), want), paths.end()) << want;
  // The output Dense keeps its one unit.
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "model.config.layers.1.config.units"), paths.end());
}

TEST_F(ForecastTune, NestedScoresPriceForecastsOnDatedWalkForwardFolds) {
  const TuneResult r = tune_job(job("[tune]\ntrials = 2\nfolds = 2\nouter_folds = 2\neta = 2\n[tune.space]\n"
                                    "\"window.sequence_length\" = [5, 10]\n"),
                                "series.toml", {.seed = 3});
  EXPECT_EQ(r.metric, "neg_rmse");
  ASSERT_EQ(r.nested_scores.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(r.nested_scores[k] < 0 && std::isfinite(r.nested_scores[k])) << r.nested_scores[k];
    EXPECT_TRUE(r.as_written_scores[k] < 0 && std::isfinite(r.as_written_scores[k]));
  }
  // The random walk on the same outer test blocks: its RMSE by hand from the closes.
  EXPECT_EQ(r.baseline, "random walk");
  ASSERT_EQ(r.baseline_scores.size(), 2u);
  std::vector<double> close;
  for (const std::string& line : split_lines(closes_csv())) close.push_back(std::stod(line.substr(11)));
  for (size_t k = 0; k < 2; ++k) {
    double squares = 0;
    for (size_t t = 6 + 78 * (k + 1); t < 6 + 78 * (k + 2); ++t) squares += std::pow(close[t] - close[t - 1], 2);
    EXPECT_NEAR(r.baseline_scores[k], -std::sqrt(squares / 78), 1e-9);
  }
  EXPECT_NE(tune_summary(r).find("tuned - random walk"), std::string::npos) << tune_summary(r);
  ASSERT_EQ(r.outer_fold_of_row.size(), 234u);  // rows 6 .. 239; blocks of 78
  EXPECT_EQ(std::count(r.outer_fold_of_row.begin(), r.outer_fold_of_row.end(), 0), 78);
  EXPECT_EQ(r.outer_fold_of_row[78], 1);
  EXPECT_EQ(r.outer_fold_of_row[233], 2);
  const int window = r.best_values["window.sequence_length"].get<int>();
  EXPECT_TRUE(window == 5 || window == 10);
  write_tune_outputs(r, path("report"));
  EXPECT_EQ(io::read_file(path("report/folds.csv")).rfind("row,date,outer_fold\n0,\"2000-01-07\",0\n", 0), 0u);
  EXPECT_EQ(load_job_file(path("report/tuned.toml")).forecast.sequence_length, window);
}

// A row is a target date, whatever the window: with a window of 10 (the job has 5), rows 0..99
// (targets at series rows 6..105) train on the samples whose targets are rows 11..105, and
// rows 100..129 score the forecasts of the closes at rows 106..135.
TEST_F(ForecastTune, ALongerWindowTrainsAndScoresTheSameDates) {
  const nlohmann::json values = {{"window.sequence_length", 10}};
  const auto tuning = detail::forecast_tuning(job(""), "series.toml");
  std::vector<int64_t> train(100), test(30);
  for (int64_t i = 0; i < 100; ++i) train[static_cast<size_t>(i)] = i;
  for (int64_t i = 0; i < 30; ++i) test[static_cast<size_t>(i)] = 100 + i;
  const double score = tuning->score(values, train, test, 5);

  const JobSpec spec = parse_job_json(with_values(job(""), values), "series.toml");
  const ForecastData data = load_forecast_data(spec.forecast);
  ASSERT_EQ(data.target_time(0), 11);  // the first log return, then 10 inputs
  set_random_seed(5);
  nn::clear_session();
  ForecastModel model(spec, data);
  model.fit(0, 95, 0);  // targets at rows 11 .. 105
  const std::vector<double> f = model.predict(95, 125);
  std::vector<double> close;
  for (const std::string& line : split_lines(closes_csv())) close.push_back(std::stod(line.substr(11)));
  double squares = 0;
  for (size_t i = 0; i < f.size(); ++i) squares += std::pow(close[106 + i] - close[105 + i] * std::exp(f[i]), 2);
  EXPECT_NEAR(score, -std::sqrt(squares / 30), 1e-9);
}

TEST_F(ForecastTune, DirectionIsJudgedAgainstAlwaysUp) {
  const auto tuning = detail::forecast_tuning(job("[tune]\nmetric = \"directional_accuracy\"\n"), "series.toml");
  EXPECT_EQ(tuning->baseline_name(), "always up");
  std::vector<int64_t> test(40);
  for (int64_t i = 0; i < 40; ++i) test[static_cast<size_t>(i)] = 60 + i;  // targets at rows 66 .. 105
  std::vector<double> close;
  for (const std::string& line : split_lines(closes_csv())) close.push_back(std::stod(line.substr(11)));
  int up = 0, moved = 0;
  for (size_t t = 66; t <= 105; ++t) {
    up += close[t] > close[t - 1];
    moved += close[t] != close[t - 1];
  }
  EXPECT_DOUBLE_EQ(tuning->baseline_score(test), static_cast<double>(up) / moved);
}

TEST_F(ForecastTune, AVarianceTargetScoresQlike) {
  const auto tuning = detail::forecast_tuning(job("", 1, "variance"), "series.toml");
  EXPECT_EQ(tuning->metric(), "neg_qlike");
  std::vector<int64_t> train(60), test(20);
  for (int64_t i = 0; i < 60; ++i) train[static_cast<size_t>(i)] = i + 30;
  for (int64_t i = 0; i < 20; ++i) test[static_cast<size_t>(i)] = i + 90;
  const double qlike = tuning->score(nlohmann::json::object(), train, test, 1);
  EXPECT_TRUE(qlike < 0 && std::isfinite(qlike)) << qlike;  // QLIKE is >= 0, and a forecast is never perfect
  EXPECT_EQ(qlike, tuning->score(nlohmann::json::object(), train, test, 1));  // seeded
  EXPECT_EQ(tuning->baseline_name(), "EWMA (lambda 0.94)");
  const double ewma = tuning->baseline_score(test);
  EXPECT_TRUE(ewma < 0 && std::isfinite(ewma)) << ewma;
}

TEST_F(ForecastTune, MistakesAreNamed) {
  const std::string wrong_metric =
      testing::error_message([&] { detail::forecast_tuning(job("[tune]\nmetric = \"auc\"\n"), "series.toml"); });
  EXPECT_NE(wrong_metric.find("series.toml: [tune] metric 'auc' is not a forecast metric; there are: neg_rmse, "
                              "neg_mape, directional_accuracy"),
            std::string::npos)
      << wrong_metric;
  const std::string variance_metric = testing::error_message(
      [&] { detail::forecast_tuning(job("[tune]\nmetric = \"neg_rmse\"\n", 1, "variance"), "series.toml"); });
  EXPECT_NE(variance_metric.find("there are: neg_qlike, neg_mse"), std::string::npos) << variance_metric;
  const std::string horizon = testing::error_message([&] {
    tune_job(job("[tune]\ntrials = 1\nfolds = 2\nouter_folds = 2\n[tune.space]\n\"window.horizon\" = [2]\n"),
             "series.toml", {});
  });
  EXPECT_NE(horizon.find("may not change window.horizon"), std::string::npos) << horizon;
  const std::string target = testing::error_message([&] {
    tune_job(job("[tune]\ntrials = 1\nfolds = 2\nouter_folds = 2\n[tune.space]\n\"data.target\" = [\"open\"]\n"),
             "series.toml", {});
  });
  EXPECT_NE(target.find("series.toml: [tune.space] may not change window.horizon, window.target, data.target or "
                        "data.path: they say what is forecast"),
            std::string::npos)
      << target;
  const std::string too_many = testing::error_message(
      [&] { tune_job(job("[tune]\ntrials = 1\nfolds = 2\nouter_folds = 300\n"), "series.toml", {}); });
  EXPECT_NE(too_many.find("walk-forward tuning cannot cut 234 points (2000-01-07 .. 2000-09-16) into 301 blocks"),
            std::string::npos)
      << too_many;
}

}  // namespace
}  // namespace deepfin::tasks
