#pragma once
// Causal transforms of a series: the output at time t uses only inputs at times <= t,
// so features built from them never look ahead. Where an output is undefined (the
// first rows of a return or a rolling window, a NaN input) it is NaN; drop those
// rows with first_complete_row before windowing.
#include <cstdint>
#include <vector>

namespace deepfin::data {

// r_t = v_t / v_{t-1} - 1; r_0 = NaN.
std::vector<double> simple_returns(const std::vector<double>& v);
// r_t = log(v_t / v_{t-1}); r_0 = NaN. ValueError naming the index for a value <= 0.
std::vector<double> log_returns(const std::vector<double>& v);
// Mean of v[t-window+1 .. t]; NaN for t < window-1 or when the window holds a NaN. ValueError if window < 1.
std::vector<double> rolling_mean(const std::vector<double>& v, int64_t window);
// Sample standard deviation (divisor window-1) of v[t-window+1 .. t]; NaN as for rolling_mean.
// ValueError if window < 2.
std::vector<double> rolling_std(const std::vector<double>& v, int64_t window);
// Rolling sample std of returns (not annualised): rolling_std(returns, window).
std::vector<double> rolling_volatility(const std::vector<double>& returns, int64_t window);
// out_t = v_{t-k}; NaN for t < k. ValueError if k < 0 (that would look ahead).
std::vector<double> lag(const std::vector<double>& v, int64_t k);
// The first t at which every column is non-NaN (the end of the warm-up), or the length
// if there is none; 0 for no columns. ShapeError if the columns differ in length.
int64_t first_complete_row(const std::vector<std::vector<double>>& columns);

}  // namespace deepfin::data
