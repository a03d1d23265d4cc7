// Filtered historical simulation: the empirical tail of volatility-standardized returns.
#include "deepfin/backtest/filtered_historical_var.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "backtest/checks.h"

namespace deepfin::backtest {
namespace {

std::vector<double> scaled(std::span<const double> variance, double multiple, const char* where) {
  detail::check_positive_variances(where, variance);
  std::vector<double> out(variance.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = multiple * std::sqrt(variance[i]);
  return out;
}

}  // namespace

int64_t minimum_tail_returns(double level) {
  if (!(level > 0 && level < 1))
    throw ValueError(fmt::format("minimum_tail_returns: level must lie in (0, 1), got {}", level));
  return static_cast<int64_t>(std::ceil(1 / (1 - level) - 1e-9));  // 1e-9: 1 / 0.01 is 100.000000000001
}

StandardizedTail standardized_tail(std::span<const double> returns, std::span<const double> variance, double level) {
  constexpr const char* where = "standardized_tail";
  if (!(level > 0 && level < 1)) throw ValueError(fmt::format("{}: level must lie in (0, 1), got {}", where, level));
  detail::check_same_size(where, "returns", returns, "variance", variance);
  detail::check_finite(where, "returns", returns);
  detail::check_positive_variances(where, variance);
  const int64_t needed = minimum_tail_returns(level);
  if (static_cast<int64_t>(returns.size()) < needed)
    throw ValueError(fmt::format("{}: a {} % tail needs at least {} standardized returns, got {}", where, 100 * level,
                                 needed, returns.size()));

  std::vector<double> z(returns.size());
  for (size_t t = 0; t < z.size(); ++t) z[t] = returns[t] / std::sqrt(variance[t]);
  std::sort(z.begin(), z.end());
  // The quantile between order statistics, as numpy.quantile's default ("linear", Hyndman & Fan type 7).
  const double h = static_cast<double>(z.size() - 1) * (1 - level);
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, z.size() - 1);
  const double q = z[lo] + (h - static_cast<double>(lo)) * (z[hi] - z[lo]);
  double tail_sum = 0;
  int64_t tail_count = 0;
  for (double v : z) {
    if (v > q) break;
    tail_sum += v;
    ++tail_count;
  }
  StandardizedTail tail;
  tail.level = level;
  tail.n = static_cast<int64_t>(z.size());
  tail.var_multiple = -q;
  tail.es_multiple = -tail_sum / static_cast<double>(tail_count);  // z[0] <= q: never empty
  return tail;
}

std::vector<double> filtered_historical_var(std::span<const double> variance, const StandardizedTail& tail) {
  return scaled(variance, tail.var_multiple, "filtered_historical_var");
}

std::vector<double> filtered_historical_expected_shortfall(std::span<const double> variance,
                                                           const StandardizedTail& tail) {
  return scaled(variance, tail.es_multiple, "filtered_historical_expected_shortfall");
}

}  // namespace deepfin::backtest
