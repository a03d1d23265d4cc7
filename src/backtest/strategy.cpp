// Long/flat and buy-and-hold strategies: net returns after costs, equity and performance statistics.
#include "deepfin/backtest/strategy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "backtest/checks.h"

namespace deepfin::backtest {
namespace {

void check_options(std::string_view where, const StrategyOptions& o) {
  if (!std::isfinite(o.cost_per_turnover) || o.cost_per_turnover < 0) {
    throw ValueError(
        fmt::format("{}: cost_per_turnover is {}, expected a finite number >= 0", where, o.cost_per_turnover));
  }
  if (o.periods_per_year < 1) {
    throw ValueError(fmt::format("{}: periods_per_year is {}, expected >= 1", where, o.periods_per_year));
  }
  if (!std::isfinite(o.risk_free_rate)) {
    throw ValueError(fmt::format("{}: risk_free_rate is {}, expected a finite number", where, o.risk_free_rate));
  }
}

void check_returns(std::string_view where, std::span<const double> asset_returns) {
  detail::check_not_empty(where, "asset_returns", asset_returns);
  detail::check_finite(where, "asset_returns", asset_returns);
}

// Statistics of a finished return series (positions, returns and equity already filled in).
void fill_statistics(StrategyResult& r, const StrategyOptions& o) {
  const double n = static_cast<double>(r.returns.size());
  const double final_equity = r.equity.back();
  r.cumulative_return = final_equity - 1.0;
  r.annualized_return = final_equity <= 0 ? -1.0 : std::pow(final_equity, o.periods_per_year / n) - 1.0;

  double mean = 0;
  for (double x : r.returns) mean += x;
  mean /= n;
  double sq = 0;
  for (double x : r.returns) sq += (x - mean) * (x - mean);
  const double std_dev = r.returns.size() > 1 ? std::sqrt(sq / (n - 1)) : 0.0;
  const double annual_factor = std::sqrt(static_cast<double>(o.periods_per_year));
  r.annualized_volatility = std_dev * annual_factor;
  const double excess_mean = mean - o.risk_free_rate / o.periods_per_year;
  r.sharpe = std_dev > 0 ? excess_mean / std_dev * annual_factor : 0.0;

  double peak = r.equity.front();
  for (double e : r.equity) {
    peak = std::max(peak, e);
    r.max_drawdown = std::max(r.max_drawdown, 1.0 - e / peak);
  }

  double previous = 0, position_sum = 0;
  for (double p : r.positions) {
    r.turnover += std::abs(p - previous);
    position_sum += p;
    previous = p;
  }
  r.exposure = position_sum / n;
}

StrategyResult evaluate_checked(std::span<const double> asset_returns, std::vector<double> positions,
                                const StrategyOptions& o) {
  StrategyResult r;
  r.positions = std::move(positions);
  r.returns.reserve(asset_returns.size());
  r.equity.reserve(asset_returns.size() + 1);
  r.equity.push_back(1.0);
  double previous = 0;  // start flat
  for (size_t t = 0; t < asset_returns.size(); ++t) {
    const double p = r.positions[t];
    const double net = p * asset_returns[t] - o.cost_per_turnover * std::abs(p - previous);
    r.returns.push_back(net);
    r.equity.push_back(r.equity.back() * (1.0 + net));
    previous = p;
  }
  fill_statistics(r, o);
  return r;
}

}  // namespace

StrategyResult evaluate_positions(std::span<const double> asset_returns, std::span<const double> positions,
                                  const StrategyOptions& options) {
  constexpr std::string_view where = "evaluate_positions";
  check_options(where, options);
  detail::check_same_size(where, "asset_returns", asset_returns, "positions", positions);
  check_returns(where, asset_returns);
  detail::check_finite(where, "positions", positions);
  return evaluate_checked(asset_returns, {positions.begin(), positions.end()}, options);
}

StrategyResult long_flat(std::span<const double> asset_returns, std::span<const double> forecast_returns,
                         double threshold, const StrategyOptions& options) {
  constexpr std::string_view where = "long_flat";
  check_options(where, options);
  detail::check_same_size(where, "asset_returns", asset_returns, "forecast_returns", forecast_returns);
  check_returns(where, asset_returns);
  detail::check_finite(where, "forecast_returns", forecast_returns);
  if (!std::isfinite(threshold)) throw ValueError(fmt::format("{}: threshold is {}", where, threshold));
  std::vector<double> positions(forecast_returns.size());
  for (size_t t = 0; t < positions.size(); ++t) positions[t] = forecast_returns[t] > threshold ? 1.0 : 0.0;
  return evaluate_checked(asset_returns, std::move(positions), options);
}

StrategyResult buy_and_hold(std::span<const double> asset_returns, const StrategyOptions& options) {
  constexpr std::string_view where = "buy_and_hold";
  check_options(where, options);
  check_returns(where, asset_returns);
  return evaluate_checked(asset_returns, std::vector<double>(asset_returns.size(), 1.0), options);
}

}  // namespace deepfin::backtest
