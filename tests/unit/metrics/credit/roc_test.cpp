#include "deepfin/metrics/credit/roc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;
using Scores = std::vector<double>;
using Labels = std::vector<int>;

// O(n^2) Mann-Whitney oracle: share of (positive, negative) pairs ranked right, ties 1/2.
double pairwise_auc(const Scores& s, const Labels& y) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i)
    for (size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
        pairs += 1;
      }
  return wins / pairs;
}

void random_case(unsigned seed, size_t n, Scores& s, Labels& y) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, 9), label(0, 1);  // 10 score levels: many ties
  s.resize(n);
  y.resize(n);
  for (size_t i = 0; i < n; ++i) {
    y[i] = label(rng);
    s[i] = 0.1 * level(rng) + 0.05 * y[i];  // informative but overlapping
  }
  y[0] = 0;
  y[1] = 1;
}

TEST(CreditRoc, AllTiedScoresAreOneStepAndHalfAuc) {
  const Scores s{0.5, 0.5, 0.5, 0.5};
  const Labels y{1, 0, 1, 0};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 0.5);
  EXPECT_DOUBLE_EQ(gini(s, y), 0.0);
  const RocCurve c = roc_curve(s, y);  // one threshold: (0,0) at +inf, then (1,1) at 0.5
  ASSERT_EQ(c.thresholds.size(), 2u);
  EXPECT_TRUE(std::isinf(c.thresholds[0]));
  EXPECT_EQ(c.thresholds[1], 0.5);
  EXPECT_EQ(c.fpr, (Scores{0, 1}));
  EXPECT_EQ(c.tpr, (Scores{0, 1}));
}

TEST(CreditRoc, PartialTiesCountHalf) {
  // Pairs (pos, neg): 0.9>0.7: 1, 0.9>0.3: 1, 0.7=0.7: 1/2, 0.7>0.3: 1 -> 3.5 / 4 = 0.875.
  const Scores s{0.9, 0.7, 0.7, 0.3};
  const Labels y{1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 0.875);
  EXPECT_DOUBLE_EQ(gini(s, y), 0.75);
  // Thresholds +inf, 0.9, 0.7, 0.3: tp 0,1,2,2 of 2; fp 0,0,1,2 of 2.
  const RocCurve c = roc_curve(s, y);
  EXPECT_EQ(c.thresholds, (Scores{INFINITY, 0.9, 0.7, 0.3}));
  EXPECT_EQ(c.tpr, (Scores{0, 0.5, 1, 1}));
  EXPECT_EQ(c.fpr, (Scores{0, 0, 0.5, 1}));
}

TEST(CreditRoc, PerfectAndInvertedRankers) {
  const Scores s{0.1, 0.2, 0.8, 0.9};
  EXPECT_DOUBLE_EQ(roc_auc(s, Labels{0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(gini(s, Labels{0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(s, Labels{1, 1, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(gini(s, Labels{1, 1, 0, 0}), -1.0);
}

TEST(CreditRoc, AucMatchesPairwiseOracleWithTiesAndIgnoresOrder) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Scores s;
    Labels y;
    random_case(seed, 300, s, y);
    const double oracle = pairwise_auc(s, y);
    EXPECT_NEAR(roc_auc(s, y), oracle, 1e-12) << "seed " << seed;
    // The area under the returned curve (trapezoids) is the same number.
    const RocCurve c = roc_curve(s, y);
    double area = 0;
    for (size_t k = 1; k < c.fpr.size(); ++k) area += (c.fpr[k] - c.fpr[k - 1]) * (c.tpr[k] + c.tpr[k - 1]) / 2;
    EXPECT_NEAR(area, oracle, 1e-12);
    EXPECT_TRUE(std::is_sorted(c.thresholds.rbegin(), c.thresholds.rend()));
  }
}

TEST(CreditKs, HandCase) {
  // Ascending t: F_pos 0,0,1/3,1/3,2/3,1 and F_neg 1/3,2/3,2/3,1,1,1 -> gaps 1/3,2/3,1/3,2/3,1/3,0.
  const Scores s{0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
  const Labels y{0, 0, 1, 0, 1, 1};
  const KsResult ks = ks_statistic(s, y);
  EXPECT_NEAR(ks.statistic, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(ks.threshold, 0.2);  // the first (smallest) score reaching the maximum
  EXPECT_EQ(ks.thresholds, s);
  ASSERT_EQ(ks.cdf_positive.size(), 6u);
  EXPECT_NEAR(ks.cdf_positive[2], 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(ks.cdf_negative[3], 1.0, 1e-12);
  EXPECT_EQ(ks.cdf_positive.back(), 1.0);
}

TEST(CreditKs, EqualsMaxRocGapOnRandomData) {
  Scores s;
  Labels y;
  random_case(7, 200, s, y);
  const RocCurve c = roc_curve(s, y);
  double gap = 0;
  for (size_t k = 0; k < c.fpr.size(); ++k) gap = std::max(gap, std::abs(c.tpr[k] - c.fpr[k]));
  EXPECT_NEAR(ks_statistic(s, y).statistic, gap, 1e-12);
}

TEST(CreditPr, AveragePrecisionByHand) {
  // Descending: (P, R) = (1, 1/3), (1/2, 1/3), (2/3, 2/3), (1/2, 2/3), (3/5, 1).
  // AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/5 = 34/45.
  const Scores s{0.9, 0.8, 0.7, 0.6, 0.5};
  const Labels y{1, 0, 1, 0, 1};
  EXPECT_NEAR(pr_auc(s, y), 34.0 / 45.0, 1e-12);
  const PrCurve c = pr_curve(s, y);
  ASSERT_EQ(c.precision.size(), 6u);
  EXPECT_EQ(c.precision[0], 1.0);
  EXPECT_EQ(c.recall[0], 0.0);
  EXPECT_NEAR(c.precision[3], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(c.recall[3], 2.0 / 3.0, 1e-12);
}

TEST(CreditPr, TiedScoresAreOneStep) {
  // t = 0.8: tp 1 of 2 predicted -> P 1/2, R 1/2; t = 0.4: P 2/3, R 1. AP = 1/4 + 1/3 = 7/12.
  const Scores s{0.8, 0.8, 0.4};
  const Labels y{1, 0, 1};
  EXPECT_NEAR(pr_auc(s, y), 7.0 / 12.0, 1e-12);
  EXPECT_EQ(pr_curve(s, y).thresholds.size(), 3u);
}

TEST(CreditRoc, BadInputNamesFunctionAndProblem) {
  const Scores s{0.1, 0.2};
  expect_value_error([&] { roc_auc(s, Labels{1}); }, {"roc_auc", "size mismatch", "2 scores", "1 labels"});
  expect_value_error([&] { roc_auc(Scores{}, Labels{}); }, {"roc_auc", "empty"});
  expect_value_error([&] { ks_statistic(s, Labels{1, 2}); }, {"ks_statistic", "index 1", "0 or 1"});
  expect_value_error([&] { pr_auc(Scores{0.1, NAN}, Labels{1, 0}); }, {"pr_auc", "index 1", "NaN"});
  expect_value_error([&] { roc_auc(s, Labels{0, 0}); }, {"roc_auc needs both classes; got only label 0"});
  expect_value_error([&] { ks_statistic(s, Labels{1, 1}); }, {"ks_statistic needs both classes; got only label 1"});
  expect_value_error([&] { pr_auc(s, Labels{0, 0}); }, {"pr_auc needs both classes"});
  expect_value_error([&] { gini(s, Labels{0, 0}); }, {"gini needs both classes"});
}

}  // namespace
}  // namespace deepfin::metrics
