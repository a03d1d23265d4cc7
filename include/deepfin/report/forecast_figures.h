#pragma once
// Figures for the investment-analysis report: the forecast against the actual series over the
// test span, and equity curves (strategy vs buy-and-hold). x values are days since 1970-01-01,
// labelled as dates. PNG or SVG by the path's extension; written atomically, and bad input
// (ShapeError for sizes, ValueError for empty or non-finite data) leaves no file.
#include <string>
#include <utility>
#include <vector>

namespace deepfin::report {

void plot_forecast(const std::vector<double>& days, const std::vector<double>& actual,
                   const std::vector<double>& predicted, const std::string& title, const std::string& path);

// curves: (label, equity) pairs, each equity the same size as days (e.g. StrategyResult::equity,
// whose first point is the start of the test span).
void plot_equity(const std::vector<double>& days,
                 const std::vector<std::pair<std::string, std::vector<double>>>& curves, const std::string& title,
                 const std::string& path);

}  // namespace deepfin::report
