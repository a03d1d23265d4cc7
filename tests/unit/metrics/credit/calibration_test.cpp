#include "deepfin/metrics/credit/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;

TEST(CreditReliability, UniformBinsKeepEmptyBin) {
  // Edges 0, .25, .5, .75, 1. Bin 0: {.1, .2} labels 0,0; bin 1: {.3} label 1; bin 2: empty;
  // bin 3: {.9, .95, 1.0} labels 1,1,0 -> mean .95, rate 2/3.
  const std::vector<double> p{0.1, 0.2, 0.3, 0.9, 0.95, 1.0};
  const std::vector<int> y{0, 0, 1, 1, 1, 0};
  const auto table = reliability_table(p, y, 4);
  ASSERT_EQ(table.size(), 4u);
  EXPECT_EQ(table[0].count, 2);
  EXPECT_NEAR(table[0].mean_predicted, 0.15, 1e-12);
  EXPECT_EQ(table[0].observed_rate, 0.0);
  EXPECT_EQ(table[1].count, 1);
  EXPECT_EQ(table[1].observed_rate, 1.0);
  EXPECT_EQ(table[2].count, 0);
  EXPECT_EQ(table[2].lower, 0.5);
  EXPECT_EQ(table[2].upper, 0.75);
  EXPECT_EQ(table[2].mean_predicted, 0.0);
  EXPECT_EQ(table[3].count, 3);
  EXPECT_NEAR(table[3].mean_predicted, 0.95, 1e-12);
  EXPECT_NEAR(table[3].observed_rate, 2.0 / 3.0, 1e-12);
  // ECE = (2 * .15 + 1 * .7 + 3 * (.95 - 2/3)) / 6 = (0.3 + 0.7 + 0.85) / 6
  EXPECT_NEAR(expected_calibration_error(table), 1.85 / 6, 1e-12);
}

TEST(CreditReliability, LowerEdgeIsInclusive) {
  const auto table = reliability_table(std::vector<double>{0.25, 0.5}, std::vector<int>{0, 1}, 4);
  EXPECT_EQ(table[0].count, 0);
  EXPECT_EQ(table[1].count, 1);
  EXPECT_EQ(table[2].count, 1);
}

TEST(CreditReliability, QuantileBins) {
  // Median of {.1,.2,.3,.4} = .25: bins [.1, .25) and [.25, .4].
  auto table = reliability_table(std::vector<double>{0.4, 0.1, 0.3, 0.2}, std::vector<int>{1, 0, 1, 0}, 2,
                                 BinStrategy::quantile);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_NEAR(table[0].upper, 0.25, 1e-12);
  EXPECT_EQ(table[0].count, 2);
  EXPECT_EQ(table[0].observed_rate, 0.0);
  EXPECT_EQ(table[1].observed_rate, 1.0);
  // Ties: median of {.2,.2,.2,.9} is .2, so bin [.2, .2) is empty and kept.
  table = reliability_table(std::vector<double>{0.2, 0.2, 0.2, 0.9}, std::vector<int>{1, 0, 0, 1}, 2,
                            BinStrategy::quantile);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].count, 0);
  EXPECT_EQ(table[1].count, 4);
}

TEST(CreditReliability, BadInput) {
  expect_value_error([] { reliability_table(std::vector<double>{0.5}, std::vector<int>{1}, 0); },
                     {"reliability_table", "bins", "0"});
  expect_value_error([] { reliability_table(std::vector<double>{1.2}, std::vector<int>{1}); },
                     {"reliability_table", "[0, 1]"});
}

TEST(CreditPlatt, ReproducesHandSolvedOptimum) {
  // N+ = N- = 4: targets t+ = 5/6, t- = 1/6. Two score values, so the sigmoid can match the
  // mean target of each: at s = 0 (1 pos, 3 neg) (5/6 + 3/6) / 4 = 1/3 = 1/(1 + e^b) -> b = ln 2;
  // at s = 1 (3 pos, 1 neg) (15/6 + 1/6) / 4 = 2/3 = 1/(1 + e^(a+b)) -> a = -2 ln 2.
  const std::vector<double> s{0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<int> y{1, 0, 0, 0, 1, 1, 1, 0};
  PlattScaling platt;
  platt.fit(s, y);
  EXPECT_NEAR(platt.b(), std::log(2.0), 1e-8);
  EXPECT_NEAR(platt.a(), -2 * std::log(2.0), 1e-8);
  EXPECT_NEAR(platt.transform(0), 1.0 / 3.0, 1e-8);
  EXPECT_NEAR(platt.transform(1), 2.0 / 3.0, 1e-8);
}

TEST(CreditPlatt, SeparableDataStaysFiniteAndMonotone) {
  const std::vector<double> s{-2, -1, 0, 1, 2, 3};
  const std::vector<int> y{0, 0, 0, 1, 1, 1};
  PlattScaling platt;
  platt.fit(s, y);
  EXPECT_TRUE(std::isfinite(platt.a()) && std::isfinite(platt.b()));
  EXPECT_LT(platt.a(), 0);
  double previous = 0;
  for (double x = -5; x <= 6; x += 0.5) {
    const double p = platt.transform(x);
    EXPECT_GT(p, 0);
    EXPECT_LT(p, 1);
    EXPECT_GT(p, previous);
    previous = p;
  }
  const PlattScaling copy = PlattScaling::from_json(platt.to_json());
  EXPECT_EQ(copy.a(), platt.a());
  EXPECT_EQ(copy.transform(0.3), platt.transform(0.3));
}

TEST(CreditPlatt, Errors) {
  expect_value_error([] { PlattScaling().transform(0.1); }, {"PlattScaling::transform", "before fit"});
  expect_value_error([] { PlattScaling::from_json(nlohmann::json{{"a", 1.0}}); }, {"PlattScaling::from_json", "\"b\""});
  expect_value_error([] { PlattScaling().fit(std::vector<double>{INFINITY}, std::vector<int>{1}); },
                     {"PlattScaling::fit", "finite"});
}

TEST(CreditIsotonic, PoolAdjacentViolatorsByHand) {
  // y = 0 1 0 1 1 at s = 1..5: (1, 0) violates -> block {2,3} mean .5.
  // Blocks {1}: 0, {2, 3}: .5, {4}: 1, {5}: 1 -> knots (1, 0) (2, .5) (3, .5) (4, 1) (5, 1).
  IsotonicCalibration iso;
  iso.fit(std::vector<double>{5, 1, 3, 2, 4}, std::vector<int>{1, 0, 0, 1, 1});
  EXPECT_EQ(iso.knots(), (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(iso.values(), (std::vector<double>{0, 0.5, 0.5, 1, 1}));
  EXPECT_DOUBLE_EQ(iso.transform(1.75), 0.375);  // 3/4 of the way from (1, 0) to (2, .5)
  EXPECT_DOUBLE_EQ(iso.transform(2.5), 0.5);     // flat inside the block
  EXPECT_DOUBLE_EQ(iso.transform(3.25), 0.625);  // 1/4 of the way from (3, .5) to (4, 1)
  EXPECT_EQ(iso.transform(-10), 0.0);
  EXPECT_EQ(iso.transform(10), 1.0);

  // y = 1 0 0 1 at s = 1..4: 1 > 0 pools {1,2} = .5, then .5 > 0 pools {1,2,3} = 1/3.
  iso.fit(std::vector<double>{1, 2, 3, 4}, std::vector<int>{1, 0, 0, 1});
  EXPECT_EQ(iso.knots(), (std::vector<double>{1, 3, 4}));
  ASSERT_EQ(iso.values().size(), 3u);
  EXPECT_DOUBLE_EQ(iso.values()[0], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(iso.values()[1], 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(iso.values()[2], 1.0);

  // Tied scores are pooled first: s = {1, 1} labels {1, 0} -> .5, then s = 2 label 0 pools: 1/3 on [1, 2].
  iso.fit(std::vector<double>{1, 1, 2}, std::vector<int>{1, 0, 0});
  EXPECT_EQ(iso.knots(), (std::vector<double>{1, 2}));
  EXPECT_DOUBLE_EQ(iso.transform(1.5), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(iso.transform(7), 1.0 / 3.0);
}

TEST(CreditIsotonic, MonotoneOnRandomDataAndJsonRoundTrip) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> s(200);
  std::vector<int> y(200);
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = std::round(u(rng) * 50) / 50;  // ties
    y[i] = u(rng) < s[i] ? 1 : 0;
  }
  IsotonicCalibration iso;
  iso.fit(s, y);
  for (size_t k = 1; k < iso.knots().size(); ++k) {
    EXPECT_GT(iso.knots()[k], iso.knots()[k - 1]);
    EXPECT_GE(iso.values()[k], iso.values()[k - 1]);
  }
  double previous = -1;
  for (double x = -0.1; x <= 1.1; x += 0.01) {
    const double p = iso.transform(x);
    EXPECT_GE(p, previous);
    EXPECT_GE(p, 0);
    EXPECT_LE(p, 1);
    previous = p;
  }
  const IsotonicCalibration copy = IsotonicCalibration::from_json(iso.to_json());
  EXPECT_EQ(copy.knots(), iso.knots());
  EXPECT_EQ(copy.transform(0.37), iso.transform(0.37));
}

TEST(CreditIsotonic, Errors) {
  expect_value_error([] { IsotonicCalibration().transform(0.1); }, {"IsotonicCalibration::transform", "before fit"});
  expect_value_error(
      [] {
        IsotonicCalibration::from_json(nlohmann::json{{"knots", {1.0, 2.0}}, {"values", {0.5, 0.2}}});
      },
      {"IsotonicCalibration::from_json", "non-decreasing"});
  expect_value_error(
      [] {
        IsotonicCalibration::from_json(nlohmann::json{{"knots", {1.0}}});
      },
      {"IsotonicCalibration::from_json", "\"values\""});
}

}  // namespace
}  // namespace deepfin::metrics
