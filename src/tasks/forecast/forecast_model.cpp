#include "deepfin/tasks/forecast_model.h"

#include <fmt/format.h>

#include <cmath>
#include <span>

#include "deepfin/backtest/volatility.h"
#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/data/timeseries/transforms.h"
#include "deepfin/data/timeseries/windows.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/model_factory.h"

namespace deepfin::tasks {

data::Columns series_features(const data::TimeSeries& series, const std::vector<int64_t>& rolling_mean,
                              const std::vector<int64_t>& rolling_volatility, std::vector<std::string>* names) {
  // Per value column: its log return and rolling statistics of it, all causal.
  data::Columns features;
  for (size_t c = 0; c < series.names.size(); ++c) {
    const std::string& name = series.names[c];
    const std::vector<double> r = data::log_returns(series.values[c]);
    features.push_back(r);
    names->push_back(name + " log return");
    for (int64_t w : rolling_mean) {
      features.push_back(data::rolling_mean(r, w));
      names->push_back(fmt::format("{} mean {}", name, w));
    }
    for (int64_t w : rolling_volatility) {
      features.push_back(data::rolling_volatility(r, w));
      names->push_back(fmt::format("{} volatility {}", name, w));
    }
  }
  return features;
}

std::vector<double> append_ewma_feature(const std::vector<double>& r, double lambda, const std::string& target,
                                        data::Columns* features, std::vector<std::string>* names) {
  constexpr size_t kWarmUp = 22;
  std::vector<double> out(r.size(), std::nan("")), log_out(r.size(), std::nan(""));
  if (r.size() > kWarmUp) {
    const std::span<const double> returns(r.data() + 1, r.size() - 1);
    const std::vector<double> s = backtest::ewma_variance(returns, lambda, backtest::initial_variance(returns));
    for (size_t t = kWarmUp; t < r.size(); ++t) log_out[t] = std::log(out[t] = s[t - 1]);
  }
  features->push_back(std::move(log_out));
  names->push_back(target + " log EWMA variance");
  return out;
}

int64_t first_test_row(const ForecastSpec& spec, int64_t rows) {
  return rows - static_cast<int64_t>(std::llround(spec.test_fraction * static_cast<double>(rows)));
}

ForecastData load_forecast_data(const ForecastSpec& spec) {
  data::SeriesOptions options;
  options.date_column = spec.date_column;
  options.value_columns = spec.columns;
  options.date_format = spec.date_format;
  options.missing = data::missing_policy_from_string(spec.missing);
  options.order = data::date_order_policy_from_string(spec.date_order);
  options.csv.encoding = spec.encoding;
  ForecastData d;
  d.series = data::read_series_csv(spec.path, options);
  d.price = d.series.column(spec.target);
  for (double p : d.price)
    if (!(p > 0))
      throw ValueError(
          fmt::format("{}: column '{}' holds {}, but log returns need positive prices", spec.path, spec.target, p));
  d.features = series_features(d.series, spec.rolling_mean, spec.rolling_volatility, &d.feature_names);
  const int64_t n = d.series.length();
  d.target_kind = spec.target_kind;
  d.returns = data::log_returns(d.price);
  d.label.assign(n, std::nan(""));
  if (spec.target_kind == "variance") {
    // Inputs also see the EWMA's level; the label is the realized variance over the EWMA's forecast.
    const std::vector<double> ewma =
        append_ewma_feature(d.returns, spec.ewma_lambda, spec.target, &d.features, &d.feature_names);
    d.realized.assign(n, std::nan(""));
    d.ewma_forecast.assign(n, std::nan(""));
    const int64_t h = spec.horizon;
    for (int64_t t = h + 1; t < n; ++t) {
      double sum = 0;
      for (int64_t k = 0; k < h; ++k) sum += d.returns[t - k] * d.returns[t - k];
      d.realized[t] = sum;
      d.ewma_forecast[t] = static_cast<double>(h) * ewma[t - h];
      d.label[t] = sum / d.ewma_forecast[t];  // NaN while the EWMA warms up
    }
  } else {
    for (int64_t t = spec.horizon; t < n; ++t) d.label[t] = std::log(d.price[t] / d.price[t - spec.horizon]);
  }
  d.sequence_length = spec.sequence_length;
  d.horizon = spec.horizon;
  const int64_t warm_up = data::first_complete_row(d.features);
  d.first_last_input = warm_up + spec.sequence_length - 1;
  d.num_samples = n - spec.horizon - d.first_last_input;
  if (d.num_samples < 2)
    throw ValueError(fmt::format(
        "{}: the series has {} rows; after a warm-up of {} rows, a window of {} steps plus horizon {} needs at least "
        "{} rows (and more to train on)",
        spec.path, n, warm_up, spec.sequence_length, spec.horizon, warm_up + spec.sequence_length + spec.horizon + 1));
  return d;
}

ForecastModel::ForecastModel(JobSpec job, const ForecastData& data) : job_(std::move(job)), data_(data) {
  // Validation is Keras's validation_split, the last share of the training span: the
  // test span comes after it, and validating on it would train on the future.
  if (job_.fit.validation == FitSpec::Validation::test)
    throw ConfigError(
        fmt::format("{}: [fit] validation = \"test\" would train on the test span; use "
                    "validation_split (the last share of the training span) or \"none\"",
                    job_.file.string()));
  if (data_.target_kind == "variance") {
    const nlohmann::json loss = job_.compile.value("loss", nlohmann::json());
    const std::string name = loss.is_string() ? loss.get<std::string>() : loss.value("class_name", std::string());
    if (config::normalize_name(name) != "qlike")
      throw ConfigError(fmt::format(
          "{}: [window] target = \"variance\" is trained with [compile] loss = \"qlike\" (the model outputs the log "
          "of the variance over the EWMA's forecast), got \"{}\"",
          job_.file.string(), name));
  }
  if (job_.fit.balanced_class_weight || !job_.fit.class_weight.empty())
    throw ConfigError(fmt::format("{}: [fit] class_weight applies to classification; a forecasting job has no classes",
                                  job_.file.string()));
}

Tensor ForecastModel::windows_x(int64_t begin, int64_t end, Tensor* y) const {
  data::WindowOptions w;
  w.sequence_length = data_.sequence_length;
  w.horizon = data_.horizon;
  w.begin = data_.target_time(begin);
  w.end = data_.target_time(end - 1) + 1;
  std::vector<double> label(data_.label.size());
  for (size_t t = 0; t < label.size(); ++t) label[t] = (data_.label[t] - label_mean_) / label_scale_;
  data::Windows windows = data::make_windows(scaled_, {label}, w);
  if (windows.x.size(0) != end - begin)
    throw ValueError(fmt::format("forecast: expected {} windows for samples [{}, {}), made {}", end - begin, begin, end,
                                 windows.x.size(0)));
  if (y) *y = windows.y;
  return windows.x;
}

void ForecastModel::fit(int64_t begin, int64_t end, int verbose) {
  // Statistics of the training span only: the inputs of its first window up to its last target.
  const int64_t first_input = data_.last_input(begin) - data_.sequence_length + 1;
  scaler_.fit(data_.features, first_input, data_.last_input(end - 1) + 1);
  scaled_ = scaler_.transform(data_.features);
  if (data_.target_kind == "variance") {
    // The label is a variance ratio and the output its log: QLIKE needs them unscaled.
    label_mean_ = 0;
    label_scale_ = 1;
  } else {
    double sum = 0, sq = 0;
    for (int64_t s = begin; s < end; ++s) sum += data_.label[data_.target_time(s)];
    label_mean_ = sum / static_cast<double>(end - begin);
    for (int64_t s = begin; s < end; ++s) sq += std::pow(data_.label[data_.target_time(s)] - label_mean_, 2);
    label_scale_ = std::sqrt(sq / static_cast<double>(end - begin));
    if (!(label_scale_ > 0)) label_scale_ = 1;
  }

  Tensor y;
  const Tensor x = windows_x(begin, end, &y);
  model_ = model_from_json(job_.model);
  model_->compile(compile_options_from_json(job_.compile));
  FitSpec spec = job_.fit;
  if (spec.validation == FitSpec::Validation::none) spec.validation_split = 0.0;
  model_->fit(x, y, fit_options(spec, std::nullopt, {}, "", verbose));
}

std::vector<double> ForecastModel::predict(int64_t begin, int64_t end) const {
  const Tensor x = windows_x(begin, end, nullptr);
  std::vector<double> out = model_->predict(x, 256).to_vector<double>();
  if (static_cast<int64_t>(out.size()) != end - begin)
    throw ShapeError(
        fmt::format("forecast: the model must output one value per window (Dense(1) last), got {} "
                    "values for {} windows",
                    out.size(), end - begin));
  for (double& v : out) v = v * label_scale_ + label_mean_;
  return out;
}

nlohmann::json ForecastModel::preprocessing_json() const {
  return {{"features", data_.feature_names},
          {"scaler", scaler_.to_json()},
          {"label",
           {{"kind", data_.target_kind == "variance" ? "log_variance_ratio" : "log_return"},
            {"horizon", data_.horizon},
            {"mean", label_mean_},
            {"scale", label_scale_}}},
          {"sequence_length", data_.sequence_length},
          // What SavedForecaster needs to build the same features from a raw series.
          {"recipe",
           {{"columns", data_.series.names},
            {"target", job_.forecast.target},
            {"rolling_mean", job_.forecast.rolling_mean},
            {"rolling_volatility", job_.forecast.rolling_volatility},
            {"target_kind", data_.target_kind},
            {"ewma_lambda", job_.forecast.ewma_lambda},
            // How the rows were read, so that scoring reads a file exactly as training did.
            {"date_column", job_.forecast.date_column},
            {"date_format", job_.forecast.date_format},
            {"date_order", job_.forecast.date_order},
            {"missing", job_.forecast.missing},
            {"encoding", job_.forecast.encoding}}}};
}

}  // namespace deepfin::tasks
