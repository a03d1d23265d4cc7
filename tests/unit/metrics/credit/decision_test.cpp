#include "deepfin/metrics/credit/decision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;

TEST(CreditDecision, ConfusionAtHalfByHand) {
  // p >= .5 -> predicted positive: .9 (y1, tp), .6 (y0, fp), .5 (y1, tp); .4 (y1, fn), .2 (y0, tn).
  const ConfusionAt c =
      confusion_at(std::vector<double>{0.9, 0.6, 0.5, 0.4, 0.2}, std::vector<int>{1, 0, 1, 1, 0}, 0.5);
  EXPECT_EQ(c.threshold, 0.5);
  EXPECT_EQ(c.tp, 2);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.fn, 1);
  EXPECT_EQ(c.tn, 1);
  EXPECT_DOUBLE_EQ(c.accuracy(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(c.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.specificity(), 0.5);
  EXPECT_DOUBLE_EQ(c.f1(), 2.0 / 3.0);
}

TEST(CreditDecision, RatiosWithZeroDenominatorAreZero) {
  const ConfusionAt c = confusion_at(std::vector<double>{0.1, 0.2}, std::vector<int>{0, 0}, 0.5);
  EXPECT_EQ(c.tn, 2);
  EXPECT_EQ(c.precision(), 0.0);
  EXPECT_EQ(c.recall(), 0.0);
  EXPECT_EQ(c.f1(), 0.0);
  EXPECT_EQ(c.specificity(), 1.0);
}

TEST(CreditDecision, MinCostThresholdByHand) {
  // FN 5, FP 1. Above .8: fn 2 -> 10; t .8: fn 1 -> 5; t .6: fn 1, fp 1 -> 6; t .3: fp 1 -> 1;
  // t .1: fp 2 -> 2. Best t = .3, cost 1, mean 1/4.
  const CostThreshold best = min_cost_threshold(std::vector<double>{0.1, 0.3, 0.6, 0.8}, std::vector<int>{0, 1, 0, 1});
  EXPECT_EQ(best.threshold, 0.3);
  EXPECT_EQ(best.total_cost, 1.0);
  EXPECT_EQ(best.mean_cost, 0.25);
  EXPECT_EQ(best.confusion.tp, 2);
  EXPECT_EQ(best.confusion.fp, 1);
  EXPECT_EQ(best.confusion.tn, 1);
  EXPECT_EQ(best.confusion.fn, 0);
}

TEST(CreditDecision, MinCostTiesPickTheLargestThreshold) {
  // FN = FP = 1, p {.2, .7}, y {1, 0}: above .7 -> 1, t .7 -> 2, t .2 -> 1: "decline nobody" wins.
  const CostThreshold best = min_cost_threshold(std::vector<double>{0.2, 0.7}, std::vector<int>{1, 0},
                                                {.false_negative = 1, .false_positive = 1});
  EXPECT_GT(best.threshold, 0.7);
  EXPECT_EQ(best.total_cost, 1.0);
  EXPECT_EQ(best.confusion.tp + best.confusion.fp, 0);
}

TEST(CreditDecision, MinCostMatchesBruteForceOnRandomData) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> p(80);
    std::vector<int> y(80);
    for (size_t i = 0; i < p.size(); ++i) {
      p[i] = std::round(u(rng) * 40) / 40;  // ties
      y[i] = u(rng) < p[i] ? 1 : 0;
    }
    const CostMatrix costs{.false_negative = 1 + 9 * u(rng), .false_positive = 1};
    auto cost_at = [&](double t) {
      const ConfusionAt c = confusion_at(p, y, t);
      return costs.false_negative * c.fn + costs.false_positive * c.fp;
    };
    std::set<double> candidates(p.begin(), p.end());
    candidates.insert(2.0);  // declines nobody
    double brute = INFINITY;
    for (double t : candidates) brute = std::min(brute, cost_at(t));
    const CostThreshold best = min_cost_threshold(p, y, costs);
    EXPECT_NEAR(best.total_cost, brute, 1e-9) << "trial " << trial;
    EXPECT_NEAR(cost_at(best.threshold), best.total_cost, 1e-9);
    const ConfusionAt again = confusion_at(p, y, best.threshold);
    EXPECT_EQ(again.tp, best.confusion.tp);
    EXPECT_EQ(again.fp, best.confusion.fp);
    EXPECT_NEAR(best.mean_cost, best.total_cost / 80, 1e-12);
  }
}

TEST(CreditDecision, BayesThresholdAndErrors) {
  EXPECT_DOUBLE_EQ(bayes_threshold(), 1.0 / 6.0);  // FP / (FP + FN) = 1 / (1 + 5)
  EXPECT_DOUBLE_EQ(bayes_threshold({.false_negative = 1, .false_positive = 3}), 0.75);
  expect_value_error([] { bayes_threshold({.false_negative = -1, .false_positive = 1}); },
                     {"bayes_threshold", "costs", "-1"});
  expect_value_error(
      [] {
        min_cost_threshold(std::vector<double>{0.5}, std::vector<int>{1}, {.false_negative = 0, .false_positive = 0});
      },
      {"min_cost_threshold", "both 0"});
  expect_value_error([] { confusion_at(std::vector<double>{0.5}, std::vector<int>{3}, 0.5); },
                     {"confusion_at", "0 or 1"});
}

}  // namespace
}  // namespace deepfin::metrics
