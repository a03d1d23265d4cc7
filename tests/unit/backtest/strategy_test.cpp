// Strategies: a 5-step long/flat hand case with costs, buy-and-hold against the product of (1 + r),
// flat positions, and bad input.
#include "deepfin/backtest/strategy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "deepfin/base/error.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

TEST(LongFlat, FiveStepHandCaseWithCosts) {
  const V asset{0.01, -0.02, 0.03, 0.01, -0.01};
  const V forecast{0.002, -0.001, 0.004, 0.0, 0.001};  // 0.0 is not above the threshold 0: flat
  const StrategyResult r = long_flat(asset, forecast, 0.0, {.cost_per_turnover = 0.001, .periods_per_year = 252});
  EXPECT_EQ(r.positions, (V{1, 0, 1, 0, 1}));
  // Every step changes the position by 1, so each pays 0.001.
  const V net{0.009, -0.001, 0.029, -0.001, -0.011};
  ASSERT_EQ(r.returns.size(), 5u);
  for (size_t t = 0; t < 5; ++t) EXPECT_NEAR(r.returns[t], net[t], 1e-15) << t;
  ASSERT_EQ(r.equity.size(), 6u);
  EXPECT_EQ(r.equity[0], 1.0);
  const double final_equity = 1.009 * 0.999 * 1.029 * 0.999 * 0.989;
  EXPECT_NEAR(r.equity[5], final_equity, 1e-14);
  EXPECT_NEAR(r.cumulative_return, final_equity - 1, 1e-14);
  EXPECT_NEAR(r.annualized_return, std::pow(final_equity, 252.0 / 5) - 1, 1e-12);
  // Peak after step 3 (1.009 * 0.999 * 1.029), then two losses: drawdown 1 - 0.999 * 0.989.
  EXPECT_NEAR(r.max_drawdown, 1 - 0.999 * 0.989, 1e-14);
  // mean 0.005; deviations 0.004 -0.006 0.024 -0.006 -0.016; squares sum 920e-6; sample var 230e-6.
  EXPECT_NEAR(r.annualized_volatility, std::sqrt(230e-6) * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(r.sharpe, 0.005 / std::sqrt(230e-6) * std::sqrt(252.0), 1e-10);
  EXPECT_DOUBLE_EQ(r.turnover, 5.0);
  EXPECT_DOUBLE_EQ(r.exposure, 0.6);
}

TEST(LongFlat, RiskFreeRateLowersSharpe) {
  const V asset{0.01, -0.02, 0.03, 0.01, -0.01}, forecast{1, -1, 1, -1, 1};
  // 2.52 % a year over 252 periods is 0.0001 a period: excess mean 0.005 - 0.0001.
  const StrategyResult r =
      long_flat(asset, forecast, 0.0, {.cost_per_turnover = 0.001, .periods_per_year = 252, .risk_free_rate = 0.0252});
  EXPECT_NEAR(r.sharpe, 0.0049 / std::sqrt(230e-6) * std::sqrt(252.0), 1e-10);
}

TEST(LongFlat, AlwaysFlatHasNoReturnNoRiskNoSharpe) {
  const StrategyResult r = long_flat(V{0.05, -0.1, 0.02}, V{-1, -1, -1}, 0.0);
  EXPECT_EQ(r.equity, (V{1, 1, 1, 1}));
  EXPECT_EQ(r.sharpe, 0.0);  // std = 0
  EXPECT_EQ(r.max_drawdown, 0.0);
  EXPECT_EQ(r.turnover, 0.0);
  EXPECT_EQ(r.exposure, 0.0);
}

TEST(BuyAndHold, EqualsProductOfOnePlusReturns) {
  const V asset{0.01, -0.02, 0.03};
  const StrategyResult free = buy_and_hold(asset, {.cost_per_turnover = 0});
  EXPECT_DOUBLE_EQ(free.equity.back(), 1.01 * 0.98 * 1.03);
  EXPECT_NEAR(free.max_drawdown, 0.02, 1e-15);  // 1.01 -> 1.01 * 0.98
  // With costs, one entry cost in the first period only.
  const StrategyResult costly = buy_and_hold(asset, {.cost_per_turnover = 0.001});
  EXPECT_DOUBLE_EQ(costly.equity.back(), (1.01 - 0.001) * 0.98 * 1.03);
  EXPECT_EQ(costly.turnover, 1.0);
  EXPECT_EQ(costly.exposure, 1.0);
}

TEST(EvaluatePositions, FractionalPositionsScaleReturns) {
  // Half long then fully long: costs on 0.5 then 0.5 of turnover.
  const StrategyResult r = evaluate_positions(V{0.1, 0.2}, V{0.5, 1.0}, {.cost_per_turnover = 0.01});
  EXPECT_NEAR(r.returns[0], 0.05 - 0.005, 1e-15);
  EXPECT_NEAR(r.returns[1], 0.2 - 0.005, 1e-15);
  EXPECT_DOUBLE_EQ(r.turnover, 1.0);
  EXPECT_DOUBLE_EQ(r.exposure, 0.75);
}

TEST(EvaluatePositions, OnePeriodHasNoVolatility) {
  const StrategyResult r = evaluate_positions(V{0.1}, V{1.0}, {.cost_per_turnover = 0});
  EXPECT_EQ(r.annualized_volatility, 0.0);  // a sample std needs two periods
  EXPECT_EQ(r.sharpe, 0.0);
  EXPECT_NEAR(r.annualized_return, std::pow(1.1, 252.0) - 1, 1e-6 * std::pow(1.1, 252.0));
}

TEST(Strategy, BadInput) {
  try {
    long_flat(V{0.1, 0.2}, V{1}, 0.0);
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "long_flat: asset_returns has 2 values but forecast_returns has 1");
  }
  EXPECT_THROW(evaluate_positions(V{0.1}, V{1, 1}), ShapeError);
  EXPECT_THROW(buy_and_hold(V{}), ValueError);
  try {
    buy_and_hold(V{0.1, 0.2, std::nan("")});
    ADD_FAILURE() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("asset_returns[2] is nan"), std::string::npos) << e.what();
  }
  EXPECT_THROW(long_flat(V{0.1}, V{std::nan("")}, 0.0), ValueError);
  EXPECT_THROW(buy_and_hold(V{0.1}, {.cost_per_turnover = -0.001}), ValueError);
  EXPECT_THROW(buy_and_hold(V{0.1}, {.periods_per_year = 0}), ValueError);
}

}  // namespace
}  // namespace deepfin::backtest
