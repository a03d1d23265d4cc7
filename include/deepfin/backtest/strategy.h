#pragma once
// Turning forecasts into a trading result: a long/flat strategy against buy-and-hold, with
// transaction costs, and the usual performance statistics.
#include <span>
#include <vector>

namespace deepfin::backtest {

struct StrategyOptions {
  double cost_per_turnover = 0.0005;  // fraction of equity lost per unit of position change (5 bp); >= 0
  int periods_per_year = 252;         // >= 1
  double risk_free_rate = 0.0;        // annual; rate / periods_per_year per period
};

struct StrategyResult {
  std::vector<double> positions;     // one per period
  std::vector<double> returns;       // one per period, net of costs
  std::vector<double> equity;        // size periods + 1: equity[0] = 1 (start), equity[t + 1] after period t
  double cumulative_return = 0;      // equity.back() - 1
  double annualized_return = 0;      // equity.back() ^ (periods_per_year / periods) - 1 (-1 if equity <= 0)
  double annualized_volatility = 0;  // sample std of returns * sqrt(periods_per_year); 0 with one period
  double sharpe = 0;        // mean(return - rf / periods_per_year) / std(return) * sqrt(periods_per_year); 0 if std = 0
  double max_drawdown = 0;  // positive fraction: max over t of 1 - equity[t] / max_{s<=t} equity[s]
  double turnover = 0;      // sum |positions[t] - positions[t-1]|, starting flat
  double exposure = 0;      // mean position
};

// returns[t] = positions[t] * asset_returns[t] - cost_per_turnover * |positions[t] - positions[t-1]|
// with positions[-1] = 0 (no exit cost at the end). Positions may be any finite number (1 = fully
// long). ShapeError if sizes differ; ValueError if empty, a value is not finite (naming the index)
// or an option is out of range.
StrategyResult evaluate_positions(std::span<const double> asset_returns, std::span<const double> positions,
                                  const StrategyOptions& options = {});

// positions[t] = 1 (long) if forecast_returns[t] > threshold else 0 (flat); forecast_returns[t] must be
// decided BEFORE asset_returns[t] is known (the position is applied to asset_returns[t]).
StrategyResult long_flat(std::span<const double> asset_returns, std::span<const double> forecast_returns,
                         double threshold, const StrategyOptions& options = {});

// Long throughout: one entry cost in the first period.
StrategyResult buy_and_hold(std::span<const double> asset_returns, const StrategyOptions& options = {});

}  // namespace deepfin::backtest
