// Filtered historical VaR by hand: the interpolated quantile and the tail mean of a small
// sample, the coverage it gives on fat-tailed returns where the Gaussian's is too thin,
// and its errors.
#include "deepfin/backtest/filtered_historical_var.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/base/error.h"
#include "testing/error_message.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

TEST(FilteredHistoricalVar, InterpolatesTheQuantileAndAveragesTheTail) {
  // Volatility 2 on every day: z = r / 2 = {-4, -2, -1, 0, ..., 5} in some order.
  const V r{2, -8, 0, 4, -2, 10, -4, 6, 8, 2.5};
  const V variance(r.size(), 4.0);
  const StandardizedTail tail = standardized_tail(r, variance, 0.9);
  EXPECT_EQ(tail.n, 10);
  // (n - 1)(1 - level) = 0.9: between z(0) = -4 and z(1) = -2, at -4 + 0.9 * 2 = -2.2.
  EXPECT_NEAR(tail.var_multiple, 2.2, 1e-12);
  EXPECT_NEAR(tail.es_multiple, 4.0, 1e-12);  // only -4 lies at or below -2.2
  const V var = filtered_historical_var(V{9.0, 0.25}, tail), es = filtered_historical_expected_shortfall(V{9.0}, tail);
  EXPECT_NEAR(var[0], 6.6, 1e-12);
  EXPECT_NEAR(var[1], 1.1, 1e-12);
  EXPECT_NEAR(es[0], 12.0, 1e-12);
}

TEST(FilteredHistoricalVar, CoversFatTailsWhereTheGaussianDoesNot) {
  // Student t(4) shocks at unit variance under a moving volatility: the first half measures
  // the tail, the second is backtested. The Gaussian multiple, 2.33, is exceeded on too many days.
  std::mt19937_64 gen(11);
  std::student_t_distribution<double> t4(4.0);
  const size_t n = 40000, half = n / 2;
  V r(n), variance(n);
  for (size_t i = 0; i < n; ++i) {
    variance[i] = 1e-4 * std::exp(std::sin(static_cast<double>(i) / 300.0));
    r[i] = std::sqrt(variance[i]) * t4(gen) / std::sqrt(2.0);
  }
  const std::span<const double> rs(r), vs(variance);
  const StandardizedTail tail = standardized_tail(rs.first(half), vs.first(half), 0.99);
  EXPECT_NEAR(tail.var_multiple, 3.7469 / std::sqrt(2.0), 0.1);  // t(4)'s 99 % quantile at unit variance
  EXPECT_GT(tail.es_multiple, tail.var_multiple);
  const VarBacktest fhs = backtest_var(rs.subspan(half), filtered_historical_var(vs.subspan(half), tail),
                                       filtered_historical_expected_shortfall(vs.subspan(half), tail), 0.99);
  const VarBacktest normal = backtest_var(rs.subspan(half), gaussian_var(vs.subspan(half), 0.99),
                                          gaussian_expected_shortfall(vs.subspan(half), 0.99), 0.99);
  EXPECT_GT(fhs.kupiec_p, 0.01) << fhs.exceptions;
  EXPECT_LT(normal.kupiec_p, 0.01) << normal.exceptions;
  EXPECT_GT(normal.exceptions, fhs.exceptions);
  EXPECT_NEAR(fhs.shortfall_ratio, 1.0, 0.1);
}

TEST(FilteredHistoricalVar, BadInputIsNamed) {
  EXPECT_EQ(minimum_tail_returns(0.99), 100);  // not 101: 1 / 0.01 rounds above 100 in binary
  EXPECT_EQ(minimum_tail_returns(0.975), 40);
  EXPECT_THROW(minimum_tail_returns(1.0), ValueError);
  const V r(100, 0.01), v(100, 1e-4);
  EXPECT_EQ(
      testing::error_message<ValueError>([&] { standardized_tail(V(r.begin(), r.end() - 1), V(99, 1e-4), 0.99); }),
      "standardized_tail: a 99 % tail needs at least 100 standardized returns, got 99");
  EXPECT_NO_THROW(standardized_tail(r, v, 0.99));
  EXPECT_THROW(standardized_tail(r, V(99, 1e-4), 0.99), ShapeError);
  EXPECT_THROW(standardized_tail(r, v, 1.0), ValueError);
  V bad_v = v, bad_r = r;
  bad_v[7] = 0;
  bad_r[3] = std::nan("");
  EXPECT_NE(testing::error_message<ValueError>([&] { standardized_tail(r, bad_v, 0.99); }).find("variance[7] is 0"),
            std::string::npos);
  EXPECT_NE(testing::error_message<ValueError>([&] { standardized_tail(bad_r, v, 0.99); }).find("returns[3] is nan"),
            std::string::npos);
  const StandardizedTail tail = standardized_tail(r, v, 0.99);
  EXPECT_NE(testing::error_message<ValueError>([&] {
              filtered_historical_var(V{1e-4, -1.0}, tail);
            }).find("filtered_historical_var: variance[1] is -1"),
            std::string::npos);
}

}  // namespace
}  // namespace deepfin::backtest
