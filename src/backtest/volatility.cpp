// Realized variance, the RiskMetrics EWMA, and the QLIKE and MSE losses.
#include "deepfin/backtest/volatility.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "backtest/checks.h"

namespace deepfin::backtest {

std::vector<double> realized_variance(std::span<const double> r, int horizon) {
  if (horizon < 1) throw ValueError(fmt::format("realized_variance: horizon must be >= 1, got {}", horizon));
  detail::check_finite("realized_variance", "returns", r);
  const auto n = static_cast<int64_t>(r.size());
  std::vector<double> out(r.size(), std::nan(""));
  for (int64_t t = 0; t + horizon < n; ++t) {
    double s = 0;
    for (int k = 1; k <= horizon; ++k) s += r[t + k] * r[t + k];
    out[t] = s;
  }
  return out;
}

double initial_variance(std::span<const double> r) {
  detail::check_not_empty("initial_variance", "returns", r);
  auto mean_square = [&](size_t m) {
    double s = 0;
    for (size_t t = 0; t < m; ++t) s += r[t] * r[t];
    return s / static_cast<double>(m);
  };
  const double first_month = mean_square(std::min<size_t>(r.size(), 22));
  if (first_month > 0) return first_month;
  // A flat start (a padded or suspended series): the whole series' mean square.
  const double all = mean_square(r.size());
  if (!(all > 0))
    throw ValueError(fmt::format("initial_variance: all {} returns are 0; there is no variance", r.size()));
  return all;
}

std::vector<double> ewma_variance(std::span<const double> r, double lambda, double initial) {
  if (!(lambda > 0 && lambda < 1))
    throw ValueError(fmt::format("ewma_variance: lambda must lie in (0, 1), got {}", lambda));
  if (!(initial > 0 && std::isfinite(initial)))
    throw ValueError(fmt::format("ewma_variance: initial variance must be positive, got {}", initial));
  detail::check_finite("ewma_variance", "returns", r);
  std::vector<double> out(r.size());
  double s = initial;
  for (size_t t = 0; t < r.size(); ++t) out[t] = s = lambda * s + (1 - lambda) * r[t] * r[t];
  return out;
}

namespace {
void check_forecasts(const char* where, std::span<const double> y, std::span<const double> f) {
  detail::check_same_size(where, "realized", y, "forecast", f);
  detail::check_finite(where, "realized", y);
  detail::check_finite(where, "forecast", f);
  for (size_t i = 0; i < f.size(); ++i)
    if (!(f[i] > 0))
      throw ValueError(fmt::format("{}: forecast[{}] is {}, expected a positive variance", where, i, f[i]));
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] < 0) throw ValueError(fmt::format("{}: realized[{}] is {}, expected a variance >= 0", where, i, y[i]));
}
}  // namespace

double combined_variance(double a, double b, double c) {
  return std::cbrt(a * b * c);
}

std::vector<double> qlike_losses(std::span<const double> y, std::span<const double> f) {
  check_forecasts("qlike_losses", y, f);
  std::vector<double> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    const double ratio = y[i] / f[i];
    out[i] = ratio > 0 ? ratio - std::log(ratio) - 1 : std::log(f[i]);
  }
  return out;
}

std::vector<double> squared_error_losses(std::span<const double> y, std::span<const double> f) {
  check_forecasts("squared_error_losses", y, f);
  std::vector<double> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) out[i] = (y[i] - f[i]) * (y[i] - f[i]);
  return out;
}

}  // namespace deepfin::backtest
