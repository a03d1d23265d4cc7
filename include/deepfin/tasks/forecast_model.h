#pragma once
// The forecasting task's data and model: a dated price series, its causal
// features (log returns, rolling means and volatilities), the windows, and a
// sequence model fitted to the next log return. Every fit uses only samples whose
// targets lie before the points it is asked to predict; scalers are refitted
// on each training span.
#include <memory>
#include <string>
#include <vector>

#include "deepfin/data/timeseries/scaler.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// The series and everything computed from it. Sample s has its last input at
// time last_input(s) and its target (the log return over `horizon` steps) at
// target_time(s).
struct ForecastData {
  data::TimeSeries series;
  std::vector<std::string> feature_names;
  data::Columns features;     // [F][T]; NaN during warm-up
  std::vector<double> price;  // the target column [T]
  std::vector<double> label;  // [T]: log(P_t / P_{t - horizon}); NaN for t < horizon
  int64_t sequence_length = 0, horizon = 1;
  std::string target_kind = "return";  // or "variance"
  std::vector<double> returns;         // the target's log returns [T]; NaN at 0
  // Variance target only, each [T]: at T, the realized variance of the h returns ending at T,
  // and the EWMA's forecast of it made at T - h (the label is their ratio).
  std::vector<double> realized, ewma_forecast;
  int64_t first_last_input = 0;  // last_input(0)
  int64_t num_samples = 0;
  int64_t last_input(int64_t s) const { return first_last_input + s; }
  int64_t target_time(int64_t s) const { return first_last_input + s + horizon; }
  int64_t sample_of_target(int64_t t) const { return t - horizon - first_last_input; }  // < 0: no window reaches t
};

// The causal features of every value column of `series`: its log return, and the
// rolling means and volatilities of it over the given windows; `names` receives their names.
data::Columns series_features(const data::TimeSeries& series, const std::vector<int64_t>& rolling_mean,
                              const std::vector<int64_t>& rolling_volatility, std::vector<std::string>* names);

// The variance target's extra feature and baseline: the RiskMetrics EWMA of the log returns
// (r[0] is NaN and skipped), started from the mean square of the first 22 returns, which are
// its warm-up. Appends its log as the feature "<target> log EWMA variance" (training and
// scoring build it here alike) and returns it: out[t] is the next-period forecast made at t,
// NaN for t < 22.
std::vector<double> append_ewma_feature(const std::vector<double>& log_returns, double lambda,
                                        const std::string& target, data::Columns* features,
                                        std::vector<std::string>* names);

// ValueError (naming the lengths) when the series is too short for the window.
ForecastData load_forecast_data(const ForecastSpec& spec);

// The first row of the test span, the last test_fraction of a series of `rows` rows. Nothing
// that tunes or fits before a backtest may use a target at or past it.
int64_t first_test_row(const ForecastSpec& spec, int64_t rows);

// One model and its scalers, refitted on a span of samples.
class ForecastModel {
 public:
  // Keeps a reference to `data`, which must outlive it. ConfigError for [fit] settings a
  // forecast cannot take (validation on the test span, class weights).
  ForecastModel(JobSpec job, const ForecastData& data);
  ForecastModel(JobSpec job, ForecastData&& data) = delete;  // would keep a reference to a temporary
  // Fits scalers and a fresh model on samples [begin, end); verbose overrides [fit] verbose if >= 0.
  void fit(int64_t begin, int64_t end, int verbose = -1);
  // Forecast log returns of samples [begin, end).
  std::vector<double> predict(int64_t begin, int64_t end) const;
  models::Model& model() const { return *model_; }
  const std::shared_ptr<models::Model>& model_ptr() const { return model_; }
  // Scalers, feature layout and feature recipe, for the model file (SavedForecaster reads them).
  nlohmann::json preprocessing_json() const;

 private:
  Tensor windows_x(int64_t begin, int64_t end, Tensor* y) const;
  JobSpec job_;
  const ForecastData& data_;
  std::shared_ptr<models::Model> model_;
  data::StandardScaler scaler_;
  double label_mean_ = 0, label_scale_ = 1;
  data::Columns scaled_;
};

}  // namespace deepfin::tasks
