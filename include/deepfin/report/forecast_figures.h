#pragma once
// Figures for the investment-analysis report: the forecast against the actual series over the
// test span, and equity curves (strategy vs buy-and-hold). x values are days since 1970-01-01,
// labelled as dates. PNG or SVG by the path's extension; written atomically, and bad input
// (ShapeError for sizes, ValueError for empty or non-finite data) leaves no file.
#include <string>
#include <utility>
#include <vector>

#include "deepfin/plot/figure.h"

namespace deepfin::report {

void plot_forecast(const std::vector<double>& days, const std::vector<double>& actual,
                   const std::vector<double>& predicted, const std::string& title, const std::string& path);

// What a level plot hides: the actual log return of each test point (dots) against the
// forecast log return (a line), on one axis around 0.
void plot_forecast_returns(const std::vector<double>& days, const std::vector<double>& actual_log_return,
                           const std::vector<double>& forecast_log_return, const std::string& title,
                           const std::string& path);

// Volatility forecasts: the square root of each variance series (labelled), annualized with
// periods_per_year, against the realized volatility (dots).
void plot_volatility(const std::vector<double>& days, const std::vector<double>& realized_variance,
                     const std::vector<std::pair<std::string, std::vector<double>>>& forecast_variances,
                     int periods_per_year, int horizon, const std::string& title, const std::string& path);

// curves: (label, equity) pairs, each equity the same size as days (e.g. StrategyResult::equity,
// whose first point is the start of the test span). Curves that span more than 10x are drawn
// on a logarithmic axis, where equal percentage moves look equal. equity_figure builds the
// figure plot_equity saves.
plot::Figure equity_figure(const std::vector<double>& days,
                           const std::vector<std::pair<std::string, std::vector<double>>>& curves,
                           const std::string& title);
void plot_equity(const std::vector<double>& days,
                 const std::vector<std::pair<std::string, std::vector<double>>>& curves, const std::string& title,
                 const std::string& path);

}  // namespace deepfin::report
