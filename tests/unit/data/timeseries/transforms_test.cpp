// Causal transforms against hand-computed values.
#include "deepfin/data/timeseries/transforms.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;
const double kNaN = std::nan("");

// Equal element by element, NaN matching NaN.
void expect_near_nan(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << "index " << i << " is " << got[i];
    else
      EXPECT_NEAR(got[i], want[i], tol) << "index " << i;
  }
}

TEST(Transforms, SimpleAndLogReturns) {
  const std::vector<double> v = {100, 110, 99, 99, 108.9};
  expect_near_nan(simple_returns(v), {kNaN, 0.1, -0.1, 0, 0.1});
  expect_near_nan(log_returns(v), {kNaN, std::log(1.1), std::log(0.9), 0, std::log(1.1)});
  EXPECT_TRUE(simple_returns({}).empty());
  EXPECT_TRUE(throws_with<ValueError>([] { log_returns({1, 2, 0, 3}); }, {"log_returns", "index 2", "not positive"}));
}

TEST(Transforms, RollingMeanAndSampleStd) {
  const std::vector<double> v = {1, 2, 3, 4, 10};
  expect_near_nan(rolling_mean(v, 3), {kNaN, kNaN, 2, 3, 17.0 / 3});
  expect_near_nan(rolling_mean(v, 1), v);
  // Window {3, 4, 10}: mean 17/3, squared deviations (64 + 25 + 169) / 9, divisor 2.
  expect_near_nan(rolling_std(v, 3), {kNaN, kNaN, 1, 1, std::sqrt(129.0) / 3});
  expect_near_nan(rolling_std(v, 2), {kNaN, std::sqrt(0.5), std::sqrt(0.5), std::sqrt(0.5), std::sqrt(18.0)});
  expect_near_nan(rolling_mean(v, 6), std::vector<double>(5, kNaN));  // longer than the series
}

TEST(Transforms, RollingWindowsHoldingANaNAreNaN) {
  expect_near_nan(rolling_mean({1, kNaN, 3, 4, 5}, 2), {kNaN, kNaN, kNaN, 3.5, 4.5});
  expect_near_nan(rolling_std({1, kNaN, 3, 5, 7}, 2), {kNaN, kNaN, kNaN, std::sqrt(2.0), std::sqrt(2.0)});
}

TEST(Transforms, RollingVolatilityOfReturnsStartsOneWindowIn) {
  const std::vector<double> r = simple_returns({100, 110, 99, 99, 108.9});  // NaN, .1, -.1, 0, .1
  const std::vector<double> vol = rolling_volatility(r, 2);
  expect_near_nan(vol, {kNaN, kNaN, std::sqrt(0.02), std::sqrt(0.005), std::sqrt(0.005)});
}

TEST(Transforms, Lag) {
  const std::vector<double> v = {1, 2, 3, 4, 5};
  expect_near_nan(lag(v, 2), {kNaN, kNaN, 1, 2, 3});
  expect_near_nan(lag(v, 0), v);
  expect_near_nan(lag(v, 7), std::vector<double>(5, kNaN));
  EXPECT_TRUE(throws_with<ValueError>([&] { lag(v, -1); }, {"lag", "look ahead", "-1"}));
}

TEST(Transforms, BadWindows) {
  EXPECT_TRUE(throws_with<ValueError>([] { rolling_mean({1, 2}, 0); }, {"rolling_mean", "at least 1", "got 0"}));
  EXPECT_TRUE(throws_with<ValueError>([] { rolling_std({1, 2}, 1); }, {"rolling_std", "at least 2", "got 1"}));
  EXPECT_TRUE(throws_with<ValueError>([] { rolling_volatility({1, 2}, 1); }, {"rolling_volatility", "at least 2"}));
}

TEST(Transforms, FirstCompleteRow) {
  EXPECT_EQ(first_complete_row({{kNaN, 1, 2, 3}, {kNaN, kNaN, kNaN, 4}}), 3);
  EXPECT_EQ(first_complete_row({{1, 2}}), 0);
  EXPECT_EQ(first_complete_row({{kNaN, kNaN}, {1, 2}}), 2);  // none: the length
  EXPECT_EQ(first_complete_row({}), 0);
  EXPECT_TRUE(throws_with<ShapeError>([] { first_complete_row({{1, 2}, {1}}); }, {"column 1 has 1 rows", "has 2"}));
}

}  // namespace
}  // namespace deepfin::data
