#pragma once
// The variance target's scoring: the GARCH(1,1) baseline refitted per test block, and the
// comparison of the model and of the equal-weight combination with EWMA and GARCH (QLIKE, MSE,
// Diebold–Mariano), with VaR and ES backtests of each at horizon 1.
#include <cstdint>
#include <vector>

#include "deepfin/backtest/volatility.h"
#include "deepfin/tasks/forecast_model.h"
#include "deepfin/tasks/forecast_task.h"

namespace deepfin::tasks::detail {

// GARCH(1,1) fitted by maximum likelihood on the returns known when sample `begin` is forecast
// (up to its last input), then its horizon forecasts for samples [begin, end). `fit` receives the model.
std::vector<double> garch_forecasts(const ForecastData& data, int64_t begin, int64_t end,
                                    backtest::Garch11* fit = nullptr);

// The span before the test span, for filtered historical VaR: the log variance ratios of samples
// [model_first, first_test) forecast by a model fitted on the samples before model_first (out of
// sample). (The EWMA's and GARCH's are computed from the data.)
struct VarCalibration {
  std::vector<double> model_log_ratio;
  int64_t model_first = 0;
};

// The fewest returns before the test span that a filtered historical VaR at every one of the
// job's levels can measure its tail on.
int64_t fewest_tail_returns(const ForecastSpec& spec);

// Fills r's realized, variance_forecasts, next_returns and summary from the model's log
// variance ratios and the GARCH forecasts of the last log_ratio.size() samples.
void score_variance(const ForecastSpec& spec, const ForecastData& data, const std::vector<double>& log_ratio,
                    const std::vector<double>& garch, const backtest::Garch11& last_garch,
                    const VarCalibration& calibration, ForecastResult& r);

}  // namespace deepfin::tasks::detail
