// Volatility baselines by hand: realized variance, the EWMA recursion, GARCH forecasts over
// a horizon, the losses, VaR zones and the ADF test's errors.
#include "deepfin/backtest/volatility.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "deepfin/backtest/unit_root.h"
#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/base/error.h"
#include "testing/error_message.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

TEST(RealizedVariance, SumsTheNextSquaredReturns) {
  const V r{0.1, -0.2, 0.3, 0.0, 0.5};
  const V one = realized_variance(r, 1), two = realized_variance(r, 2);
  EXPECT_DOUBLE_EQ(one[0], 0.04);
  EXPECT_DOUBLE_EQ(one[3], 0.25);
  EXPECT_TRUE(std::isnan(one[4]));
  EXPECT_DOUBLE_EQ(two[0], 0.04 + 0.09);
  EXPECT_DOUBLE_EQ(two[2], 0.25);
  EXPECT_TRUE(std::isnan(two[3]));
  EXPECT_THROW(realized_variance(r, 0), ValueError);
}

TEST(Ewma, FollowsTheRiskMetricsRecursion) {
  const V r{0.01, -0.02, 0.0};
  const V s = ewma_variance(r, 0.94, 1e-4);
  EXPECT_DOUBLE_EQ(s[0], 0.94 * 1e-4 + 0.06 * 1e-4);
  EXPECT_DOUBLE_EQ(s[1], 0.94 * s[0] + 0.06 * 4e-4);
  EXPECT_DOUBLE_EQ(s[2], 0.94 * s[1]);
  EXPECT_THROW(ewma_variance(r, 1.0, 1e-4), ValueError);
  EXPECT_THROW(ewma_variance(r, 0.94, 0.0), ValueError);
  EXPECT_DOUBLE_EQ(initial_variance(r), (1e-4 + 4e-4) / 3);
  V flat_start(30, 0.0);
  flat_start[25] = 0.02;  // a suspended start: the whole series' mean square
  EXPECT_DOUBLE_EQ(initial_variance(flat_start), 4e-4 / 30);
  EXPECT_THROW(initial_variance(V(30, 0.0)), ValueError);
}

TEST(Garch, HorizonForecastRevertsToTheUnconditionalVariance) {
  const Garch11 m{.omega = 1e-6, .alpha = 0.1, .beta = 0.8};
  const double vbar = 1e-6 / 0.1;
  EXPECT_DOUBLE_EQ(garch11_horizon_variance(m, 3e-5, 1), 3e-5);
  // k = 1: s; k = 2: vbar + 0.9 (s - vbar); k = 3: vbar + 0.81 (s - vbar).
  EXPECT_NEAR(garch11_horizon_variance(m, 3e-5, 3), 3 * vbar + (1 + 0.9 + 0.81) * (3e-5 - vbar), 1e-18);
  const V s = garch11_variance(m, V{0.01, 0.0}, 2e-5);
  EXPECT_DOUBLE_EQ(s[0], 1e-6 + 0.1 * 1e-4 + 0.8 * 2e-5);
  EXPECT_DOUBLE_EQ(s[1], 1e-6 + 0.8 * s[0]);
}

TEST(Garch, FitRecoversASimulatedModel) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z;
  const Garch11 truth{.omega = 5e-6, .alpha = 0.08, .beta = 0.9};
  V r(4000);
  double s = truth.unconditional_variance();
  for (double& x : r) {
    x = std::sqrt(s) * z(rng);
    s = truth.omega + truth.alpha * x * x + truth.beta * s;
  }
  const Garch11 fit = fit_garch11(r);
  EXPECT_NEAR(fit.alpha, 0.08, 0.03);
  EXPECT_NEAR(fit.beta, 0.9, 0.04);
  EXPECT_LT(fit.persistence(), 0.9999 + 1e-12);
  EXPECT_GT(fit.log_likelihood, garch11_log_likelihood(truth, r, initial_variance(r)) - 1e-9);
}

TEST(Garch, BadInputIsNamed) {
  EXPECT_THROW(fit_garch11(V(10, 0.01)), ValueError);
  EXPECT_THROW(fit_garch11(V(100, 0.0)), ValueError);
  V r(100, 0.01);
  r[7] = NAN;
  EXPECT_NE(testing::error_message([&] { fit_garch11(r); }).find("returns[7]"), std::string::npos);
}

TEST(Losses, QlikeIsZeroAtAPerfectForecastAndMseIsSquared) {
  const V q = qlike_losses(V{2e-4, 1e-4, 0.0}, V{2e-4, 2e-4, 1e-4});
  EXPECT_DOUBLE_EQ(q[0], 0.0);
  EXPECT_NEAR(q[1], 0.5 - std::log(0.5) - 1, 1e-15);
  EXPECT_DOUBLE_EQ(q[2], std::log(1e-4));  // y = 0: the common -log(y) term is dropped
  EXPECT_DOUBLE_EQ(squared_error_losses(V{3.0}, V{1.0})[0], 4.0);
  EXPECT_NE(testing::error_message([] {
              qlike_losses(V{1.0, 1.0}, V{1.0, 0.0});
            }).find("forecast[1]"),
            std::string::npos);
  EXPECT_THROW(qlike_losses(V{-1.0}, V{1.0}), ValueError);
  EXPECT_THROW(squared_error_losses(V{1.0}, V{1.0, 2.0}), ShapeError);
}

TEST(ValueAtRisk, BaselTrafficLightZonesFor250Days) {
  // 250 days at 99 %: green 0-4 exceptions, yellow 5-9, red 10 or more (Basel 1996, table 2).
  const V variance(250, 1e-4), es(250, 0.03);
  const V var = gaussian_var(variance, 0.99);
  for (int x = 0; x <= 12; ++x) {
    V r(250, 0.0);
    for (int i = 0; i < x; ++i) r[i * 20] = -0.05;
    const VarBacktest b = backtest_var(r, var, es, 0.99);
    EXPECT_EQ(b.exceptions, x);
    EXPECT_EQ(b.light, x <= 4 ? TrafficLight::green : x <= 9 ? TrafficLight::yellow : TrafficLight::red) << x;
  }
}

TEST(ValueAtRisk, ClusteredExceptionsFailIndependence) {
  const V var(500, 0.02), es(500, 0.025);
  V r(500, 0.0);
  for (int i = 200; i < 210; ++i) r[i] = -0.03;  // 10 exceptions in a row: coverage fine-ish, clustering not
  const VarBacktest b = backtest_var(r, var, es, 0.98);
  EXPECT_EQ(b.exceptions, 10);
  EXPECT_NEAR(b.kupiec_statistic, 0.0, 1e-12);  // exactly 2 % of days
  EXPECT_LT(b.independence_p, 1e-6);
  EXPECT_NEAR(b.shortfall_ratio, 0.03 / 0.025, 1e-12);
}

TEST(ValueAtRisk, BadInputIsNamed) {
  EXPECT_THROW(gaussian_var(V{1e-4}, 1.0), ValueError);
  EXPECT_NE(testing::error_message([] { gaussian_var(V{1e-4, -1.0}, 0.99); }).find("variance[1]"), std::string::npos);
  EXPECT_THROW(backtest_var(V{0.0, 0.0}, V{0.01}, V{0.01}, 0.99), ShapeError);
  EXPECT_THROW(backtest_var(V{0.0}, V{0.01}, V{0.01}, 0.99), ValueError);
  EXPECT_TRUE(std::isnan(backtest_var(V{0.0, 0.0}, V{0.1, 0.1}, V{0.1, 0.1}, 0.99).shortfall_ratio));
}

TEST(UnitRoot, BadInputIsNamed) {
  EXPECT_THROW(adf_test(V(18, 1.0), 3), ValueError);   // 18 < 2 * 3 + 13: too few residual degrees of freedom
  EXPECT_THROW(adf_test(V(100, 1.0), 0), ValueError);  // constant: singular
  V y(100);
  for (size_t i = 0; i < y.size(); ++i) y[i] = std::sin(0.3 * static_cast<double>(i));
  y[40] = INFINITY;
  EXPECT_NE(testing::error_message([&] { adf_test(y); }).find("series[40]"), std::string::npos);
}

}  // namespace
}  // namespace deepfin::backtest
