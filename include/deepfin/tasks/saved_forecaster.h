#pragma once
// A forecasting model file, reloaded with nothing from its job file: the model,
// its scalers, and the recipe of its features. Given the recent rows of the
// series it was trained on (the same value columns), it forecasts the log return
// over its horizon after the last row, as the scoring server and programs need.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/backtest/volatility.h"
#include "deepfin/data/timeseries/scaler.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/models/model.h"

namespace deepfin::tasks {

// A return model fills log_return and price; a variance model ([window] target = "variance")
// fills variance and the baselines beside it, and leaves the other two NaN.
struct NextForecast {
  std::string kind = "log_return";  // or "variance"
  double log_return = 0;            // forecast log(P[t + horizon] / P[t]), t the last row
  double price = 0;                 // P[t] * exp(log_return)
  double variance = 0;              // forecast sum of the squared log returns of t + 1 .. t + horizon
  // A variance model's baselines over the same horizon: the EWMA, GARCH(1,1) with the parameters
  // of the model's last fit, and the combination (their geometric mean with the model's), as the
  // task scored them. GARCH and the combination are NaN in files saved before they were added.
  double ewma_variance = 0, garch_variance = 0, combination_variance = 0;
  std::string after;  // the date of the last row
};

class SavedForecaster {
 public:
  // FileError when the file holds no forecasting preprocessing.
  static SavedForecaster load(const std::string& path);

  // A dated CSV read exactly as the training file was (date column and format, date
  // order policy, missing values, encoding), keeping the model's value columns.
  data::TimeSeries read(const std::string& path) const;
  // The same from rows already in a table (e.g. a scoring request's JSON rows).
  data::TimeSeries read(const data::Table& rows) const;
  const data::SeriesOptions& read_options() const { return read_options_; }

  // NotFoundError for a missing column; ValueError when the series is shorter
  // than the feature warm-up plus the window (the message says how many rows it needs),
  // or, for a variance model, shorter than its EWMA and GARCH need to forget their start
  // (at least 250 rows; more when GARCH's beta is above 0.94).
  NextForecast next(const data::TimeSeries& recent) const;

  int64_t sequence_length() const { return sequence_length_; }
  int64_t horizon() const { return horizon_; }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& target() const { return target_; }
  const std::string& target_kind() const { return target_kind_; }  // "return" or "variance"
  bool has_garch() const { return garch_.has_value(); }            // variance models saved with their GARCH fit
  models::Model& model() const { return *model_; }

 private:
  std::shared_ptr<models::Model> model_;
  data::StandardScaler scaler_;
  std::vector<std::string> columns_, feature_names_;
  data::SeriesOptions read_options_;
  std::string target_, target_kind_ = "return";
  double ewma_lambda_ = 0.94;
  std::optional<backtest::Garch11> garch_;  // a variance model's last GARCH(1,1) fit
  std::vector<int64_t> rolling_mean_, rolling_volatility_;
  int64_t sequence_length_ = 0, horizon_ = 1;
  double label_mean_ = 0, label_scale_ = 1;
};

}  // namespace deepfin::tasks
