// Series jobs in nested tuning. A row is a point of the series whose value is a training
// target: from the first point a window can forecast up to the test span, which is never
// read. Folds are walk-forward (the past trains, the next block scores), never shuffled,
// because a model fitted on the future would look better than any model can be.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "deepfin/backtest/forecast_metrics.h"
#include "deepfin/backtest/volatility.h"
#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/fold_summary.h"
#include "deepfin/tasks/forecast_model.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks::detail {
namespace {

class ForecastTuning final : public JobTuning {
 public:
  ForecastTuning(const nlohmann::json& job, std::string name) : JobTuning(job, std::move(name), "") {
    const ForecastSpec& spec = base_.forecast;
    variance_ = spec.target_kind == "variance";
    if (metric_.empty()) metric_ = variance_ ? "neg_qlike" : "neg_rmse";
    const std::vector<std::string> known =
        variance_ ? std::vector<std::string>{"neg_qlike", "neg_mse"}
                  : std::vector<std::string>{"neg_rmse", "neg_mape", "directional_accuracy"};
    if (std::find(known.begin(), known.end(), metric_) == known.end())
      unknown_metric(name_, metric_, variance_ ? "variance forecast" : "forecast", known);
    data_ = load_forecast_data(spec);
    first_row_ = data_.target_time(0);
    const int64_t end = first_test_row(spec, data_.series.length());
    for (int64_t t = first_row_; t < end; ++t) dates_.push_back(data_.series.dates[static_cast<size_t>(t)]);
    if (dates_.empty())
      throw ConfigError(
          fmt::format("{}: no point before the test span has a full window to forecast it from "
                      "(series {} rows, test from row {}, first target at row {})",
                      name_, data_.series.length(), end, first_row_));
    classes_.assign(dates_.size(), 0);
  }

  // Walk-forward, as scikit-learn's TimeSeriesSplit: k test blocks of n / (k + 1) rows at the
  // end, each scored by a fit on every row before it (with [backtest] window = "rolling", on
  // the last rolling_size of them, as the backtest fits), less horizon - 1 rows so that no
  // training target lies past the first forecast's origin.
  std::vector<data::FoldIndices> folds(const std::vector<int64_t>& rows, int k, uint64_t) const override {
    const auto n = static_cast<int64_t>(rows.size());
    const int64_t gap = base_.forecast.horizon - 1;
    const int64_t block = n / (k + 1);
    if (k < 2 || block < 1 || n - k * block - gap < 1)
      throw ConfigError(fmt::format(
          "{}: walk-forward tuning cannot cut {} points ({} .. {}) into {} blocks with a training part left "
          "before the first (horizon {}); lower [tune] folds or outer_folds (at least 2), or test_fraction",
          name_, n, dates_[static_cast<size_t>(rows.front())], dates_[static_cast<size_t>(rows.back())], k + 1,
          base_.forecast.horizon));
    std::vector<data::FoldIndices> out(static_cast<size_t>(k));
    for (int64_t i = 0; i < k; ++i) {
      const int64_t test_begin = n - (k - i) * block;
      data::FoldIndices& f = out[static_cast<size_t>(i)];
      const int64_t train_end = test_begin - gap;
      const int64_t train_begin =
          base_.forecast.window == "rolling" ? std::max<int64_t>(0, train_end - base_.forecast.rolling_size) : 0;
      f.train.assign(rows.begin() + train_begin, rows.begin() + train_end);
      f.test.assign(rows.begin() + test_begin, rows.begin() + test_begin + block);
    }
    return out;
  }

  std::vector<std::string> row_names() const override { return dates_; }

  // The random walk (a zero log return: tomorrow's price is today's) or the EWMA (a zero log
  // ratio), on the job as written, whose samples are its rows. Direction has no random walk
  // (a flat forecast counts as "not up"): it is judged against "always up", as the backtest does.
  std::string baseline_name() const override {
    if (variance_) return fmt::format("EWMA (lambda {})", base_.forecast.ewma_lambda);
    return metric_ == "directional_accuracy" ? "always up" : "random walk";
  }
  double baseline_score(const std::vector<int64_t>& test) const override {
    const double forecast = metric_ == "directional_accuracy" ? 1e-9 : 0.0;  // up by a hair, or flat
    return metric_of(data_, test.front(), std::vector<double>(test.size(), forecast));
  }

  double score(const nlohmann::json& values, const std::vector<int64_t>& train, const std::vector<int64_t>& test,
               uint64_t seed) const override {
    const JobSpec job = with(values);
    const ForecastSpec& spec = job.forecast;
    if (spec.horizon != base_.forecast.horizon || spec.target_kind != base_.forecast.target_kind ||
        spec.target != base_.forecast.target || spec.path != base_.forecast.path)
      throw ConfigError(
          fmt::format("{}: [tune.space] may not change window.horizon, window.target, data.target or data.path: "
                      "they say what is forecast",
                      name_));
    const ForecastData data = load_forecast_data(spec);
    if (data.series.length() != data_.series.length())
      throw ConfigError(fmt::format("{}: [tune.space] may not change the series ({} rows as written, {} tuned)", name_,
                                    data_.series.length(), data.series.length()));
    // Row r is the target at series row first_row_ + r; a longer window than the job's may
    // leave the earliest rows without a sample.
    auto sample = [&](int64_t row) { return data.sample_of_target(first_row_ + row); };
    const int64_t train_begin = std::max<int64_t>(0, sample(train.front()));
    const int64_t train_end = sample(train.back()) + 1;
    const int64_t test_begin = std::max<int64_t>(0, sample(test.front()));
    const int64_t test_end = sample(test.back()) + 1;
    if (train_end - train_begin < 1 || test_end - test_begin < 1) return std::numeric_limits<double>::quiet_NaN();
    set_random_seed(seed);
    nn::clear_session();
    ForecastModel model(job, data);
    model.fit(train_begin, train_end, 0);
    return metric_of(data, test_begin, model.predict(test_begin, test_end));
  }

 private:
  // The metric of forecasts f of samples [first, first + f.size()), higher is better.
  double metric_of(const ForecastData& d, int64_t first, const std::vector<double>& f) const {
    std::vector<double> actual, predicted, previous;
    for (size_t i = 0; i < f.size(); ++i) {
      const int64_t s = first + static_cast<int64_t>(i);
      const auto t = static_cast<size_t>(d.target_time(s));
      if (variance_) {
        actual.push_back(d.realized[t]);
        predicted.push_back(d.ewma_forecast[t] * std::exp(f[i]));
      } else {
        previous.push_back(d.price[static_cast<size_t>(d.last_input(s))]);
        actual.push_back(d.price[t]);
        predicted.push_back(previous.back() * std::exp(f[i]));
      }
    }
    for (double p : predicted)
      if (!std::isfinite(p)) return std::numeric_limits<double>::quiet_NaN();  // a diverged fit ranks last
    if (variance_)
      return metric_ == "neg_qlike" ? -mean_std(backtest::qlike_losses(actual, predicted)).mean
                                    : -mean_std(backtest::squared_error_losses(actual, predicted)).mean;
    const backtest::ForecastMetrics m = backtest::forecast_metrics(actual, predicted, previous);
    if (metric_ == "neg_rmse") return -m.rmse;
    if (metric_ == "neg_mape") return -m.mape;
    return m.directional_accuracy;
  }

  ForecastData data_;  // of the job as written
  bool variance_ = false;
  int64_t first_row_ = 0;  // the series row of row 0's target
  std::vector<std::string> dates_;
};

}  // namespace

std::unique_ptr<JobTuning> forecast_tuning(const nlohmann::json& job, const std::string& name) {
  return std::make_unique<ForecastTuning>(job, name);
}

}  // namespace deepfin::tasks::detail
