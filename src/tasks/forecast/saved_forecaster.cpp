#include "deepfin/tasks/saved_forecaster.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "deepfin/base/error.h"
#include "deepfin/data/timeseries/transforms.h"
#include "deepfin/data/timeseries/windows.h"
#include "deepfin/tasks/forecast_model.h"

namespace deepfin::tasks {

SavedForecaster SavedForecaster::load(const std::string& path) {
  SavedForecaster f;
  f.model_ = models::load_model(path);
  const nlohmann::json j = f.model_->attachment("forecast");
  if (j.is_null() || !j.contains("recipe"))
    throw FileError(
        fmt::format("{}: not a forecasting model (no forecast preprocessing with a feature recipe; "
                    "models saved before it was added need training again)",
                    path));
  try {
    f.scaler_ = data::StandardScaler::from_json(j.at("scaler"));
    f.feature_names_ = j.at("features").get<std::vector<std::string>>();
    f.sequence_length_ = j.at("sequence_length").get<int64_t>();
    f.horizon_ = j.at("label").at("horizon").get<int64_t>();
    f.label_mean_ = j.at("label").at("mean").get<double>();
    f.label_scale_ = j.at("label").at("scale").get<double>();
    const nlohmann::json& r = j.at("recipe");
    f.columns_ = r.at("columns").get<std::vector<std::string>>();
    f.target_ = r.at("target").get<std::string>();
    f.rolling_mean_ = r.at("rolling_mean").get<std::vector<int64_t>>();
    f.rolling_volatility_ = r.at("rolling_volatility").get<std::vector<int64_t>>();
    f.target_kind_ = r.value("target_kind", std::string("return"));  // absent in files from before variance targets
    f.ewma_lambda_ = r.value("ewma_lambda", 0.94);
    if (j.contains("garch")) {  // absent in files from before the combination
      const nlohmann::json& g = j.at("garch");
      backtest::Garch11 garch;
      garch.omega = g.at("omega").get<double>();
      garch.alpha = g.at("alpha").get<double>();
      garch.beta = g.at("beta").get<double>();
      if (!(garch.omega > 0 && garch.alpha >= 0 && garch.beta >= 0 && garch.persistence() < 1))
        throw FileError(fmt::format(
            "{}: the forecast preprocessing is damaged: GARCH(1,1) omega {}, alpha {}, beta {} is not a stationary "
            "model (omega > 0, alpha and beta >= 0, alpha + beta < 1)",
            path, garch.omega, garch.alpha, garch.beta));
      f.garch_ = garch;
    }
    if (f.target_kind_ != "return" && f.target_kind_ != "variance")
      throw FileError(fmt::format("{}: unknown forecast target '{}'", path, f.target_kind_));
    f.read_options_.value_columns = f.columns_;
    f.read_options_.date_column = r.at("date_column").get<std::string>();
    f.read_options_.date_format = r.at("date_format").get<std::string>();
    f.read_options_.order = data::date_order_policy_from_string(r.at("date_order").get<std::string>());
    f.read_options_.missing = data::missing_policy_from_string(r.at("missing").get<std::string>());
    f.read_options_.csv.encoding = r.at("encoding").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: the forecast preprocessing is damaged: {}", path, e.what()));
  }
  if (f.sequence_length_ < 1 || static_cast<int64_t>(f.feature_names_.size()) != f.scaler_.num_columns())
    throw FileError(fmt::format("{}: the forecast preprocessing is inconsistent ({} features, scaler of {})", path,
                                f.feature_names_.size(), f.scaler_.num_columns()));
  return f;
}

data::TimeSeries SavedForecaster::read(const std::string& path) const {
  return data::read_series_csv(path, read_options_);
}

data::TimeSeries SavedForecaster::read(const data::Table& rows) const {
  return data::series_from_table(rows, read_options_);
}

NextForecast SavedForecaster::next(const data::TimeSeries& recent) const {
  // The model's columns, in its order, whatever else the series holds.
  data::TimeSeries s;  // the value columns are all series_features reads
  s.source = recent.source;
  for (const auto& name : columns_) {
    s.names.push_back(name);
    s.values.push_back(recent.column(name));
  }
  for (const auto& column : s.values)
    for (double p : column)
      if (!(p > 0)) throw ValueError(fmt::format("{}: log returns need positive prices, got {}", recent.source, p));
  std::vector<std::string> names;
  data::Columns features = series_features(s, rolling_mean_, rolling_volatility_, &names);
  std::vector<double> ewma;
  if (target_kind_ == "variance") {  // as load_forecast_data builds it
    // The EWMA and GARCH recursions start from the first rows they are given (the mean square of
    // 22 returns); once the start weighs below 1e-6 (0.94^224 for the EWMA, beta^n for GARCH),
    // the forecast is the one training made whatever the series' first row. At least 250 rows.
    const double decay = std::max(ewma_lambda_, garch_ ? garch_->beta : 0.0);
    const int64_t needed =
        std::max<int64_t>(250, 22 + static_cast<int64_t>(std::ceil(std::log(1e-6) / std::log(decay))));
    if (recent.length() < needed)
      throw ValueError(fmt::format(
          "{}: {} rows are too few for a variance model: its EWMA (lambda {}){} needs at least {} rows to forget "
          "where it started",
          recent.source, recent.length(), ewma_lambda_,
          garch_ ? fmt::format(" and GARCH(1,1) (beta {:.4f})", garch_->beta) : std::string(), needed));
    ewma = append_ewma_feature(data::log_returns(s.column(target_)), ewma_lambda_, target_, &features, &names);
  }
  if (names != feature_names_)
    throw FileError(fmt::format("forecast model: the recipe builds {} features, but the model was trained on {}",
                                names.size(), feature_names_.size()));
  const int64_t rows = features.empty() ? 0 : static_cast<int64_t>(features.front().size());
  const int64_t warm_up = data::first_complete_row(features);
  if (rows - warm_up < sequence_length_)
    throw ValueError(
        fmt::format("{}: {} rows are too few: the features need {} rows of warm-up and the window {} "
                    "rows, {} in all",
                    recent.source, recent.length(), warm_up, sequence_length_, warm_up + sequence_length_));
  data::WindowOptions w;
  w.sequence_length = sequence_length_;
  w.horizon = horizon_;
  const Tensor x = data::latest_window(scaler_.transform(features), w);
  const double scaled = model_->predict(x, 1).to_vector<double>().at(0);
  NextForecast out;
  out.after = recent.dates.empty() ? "" : recent.dates.back();
  if (target_kind_ == "variance") {
    out.kind = "variance";
    out.variance = static_cast<double>(horizon_) * ewma.back() * std::exp(scaled * label_scale_ + label_mean_);
    out.log_return = out.price = std::nan("");
    out.ewma_variance = static_cast<double>(horizon_) * ewma.back();
    out.garch_variance = out.combination_variance = std::nan("");
    if (garch_) {  // from the same rows; its start weighs beta^rows, as the EWMA's does
      const std::vector<double> r = data::log_returns(s.column(target_));
      const std::span<const double> returns(r.data() + 1, r.size() - 1);
      const double next = backtest::garch11_variance(*garch_, returns, backtest::initial_variance(returns)).back();
      out.garch_variance = backtest::garch11_horizon_variance(*garch_, next, static_cast<int>(horizon_));
      out.combination_variance = backtest::combined_variance(out.variance, out.ewma_variance, out.garch_variance);
    }
    return out;
  }
  out.log_return = scaled * label_scale_ + label_mean_;
  out.price = recent.column(target_).back() * std::exp(out.log_return);
  return out;
}

}  // namespace deepfin::tasks
