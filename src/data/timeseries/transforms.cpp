#include "deepfin/data/timeseries/transforms.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::data {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_window(const char* op, int64_t window, int64_t minimum) {
  if (window < minimum) throw ValueError(fmt::format("{}: window must be at least {}, got {}", op, minimum, window));
}

// Applies `reduce(first, count)` to every full trailing window; each output is computed from its own
// window only, so it does not depend on values before the window either.
template <class Reduce>
std::vector<double> rolling(const std::vector<double>& v, int64_t window, Reduce reduce) {
  const auto n = static_cast<int64_t>(v.size());
  std::vector<double> out(v.size(), kNaN);
  for (int64_t t = window - 1; t < n; ++t) out[t] = reduce(v.data() + (t - window + 1), window);
  return out;
}

double window_mean(const double* x, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  return sum / static_cast<double>(n);  // NaN in, NaN out
}

}  // namespace

std::vector<double> simple_returns(const std::vector<double>& v) {
  std::vector<double> out(v.size(), kNaN);
  for (size_t t = 1; t < v.size(); ++t) out[t] = v[t] / v[t - 1] - 1.0;
  return out;
}

std::vector<double> log_returns(const std::vector<double>& v) {
  for (size_t t = 0; t < v.size(); ++t)
    if (v[t] <= 0) throw ValueError(fmt::format("log_returns: value {} at index {} is not positive", v[t], t));
  std::vector<double> out(v.size(), kNaN);
  for (size_t t = 1; t < v.size(); ++t) out[t] = std::log(v[t] / v[t - 1]);
  return out;
}

std::vector<double> rolling_mean(const std::vector<double>& v, int64_t window) {
  check_window("rolling_mean", window, 1);
  return rolling(v, window, window_mean);
}

std::vector<double> rolling_std(const std::vector<double>& v, int64_t window) {
  check_window("rolling_std", window, 2);
  return rolling(v, window, [](const double* x, int64_t n) {
    const double mean = window_mean(x, n);  // two passes: no cancellation on price levels
    double squares = 0;
    for (int64_t i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
    return std::sqrt(squares / static_cast<double>(n - 1));
  });
}

std::vector<double> rolling_volatility(const std::vector<double>& returns, int64_t window) {
  check_window("rolling_volatility", window, 2);
  return rolling_std(returns, window);
}

std::vector<double> lag(const std::vector<double>& v, int64_t k) {
  if (k < 0) throw ValueError(fmt::format("lag: k must be >= 0 (a negative lag would look ahead), got {}", k));
  std::vector<double> out(v.size(), kNaN);
  for (size_t t = static_cast<size_t>(k); t < v.size(); ++t) out[t] = v[t - static_cast<size_t>(k)];
  return out;
}

int64_t first_complete_row(const std::vector<std::vector<double>>& columns) {
  if (columns.empty()) return 0;
  const size_t n = columns[0].size();
  for (size_t c = 1; c < columns.size(); ++c)
    if (columns[c].size() != n)
      throw ShapeError(
          fmt::format("first_complete_row: column {} has {} rows but column 0 has {}", c, columns[c].size(), n));
  for (size_t t = 0; t < n; ++t) {
    bool complete = true;
    for (const std::vector<double>& col : columns) complete = complete && !std::isnan(col[t]);
    if (complete) return static_cast<int64_t>(t);
  }
  return static_cast<int64_t>(n);
}

}  // namespace deepfin::data
