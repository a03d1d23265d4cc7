// Group fairness of credit decisions, on a hand-computed case: approval rates, the
// adverse impact ratio, equal opportunity, false-positive rates, AUC and calibration
// per group, and bootstrap intervals that are reproducible and hold the estimate.
#include "deepfin/metrics/credit/fairness.h"

#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

// Group a: 4 rows, group b: 4 rows; label 1 = bad; approved when p < 0.5.
const std::vector<double> kP = {0.1, 0.2, 0.7, 0.6, 0.3, 0.8, 0.9, 0.4};
const std::vector<int> kY = {0, 0, 1, 0, 0, 1, 1, 1};
const std::vector<std::string> kG = {"a", "a", "a", "a", "b", "b", "b", "b"};

TEST(Fairness, GroupRatesMatchTheHandComputation) {
  const auto rates = group_rates(kP, kY, kG, 0.5);
  ASSERT_EQ(rates.size(), 2u);
  const auto& a = rates[0].value;
  const auto& b = rates[1].value;
  // a: approved rows 0, 1 (p 0.1, 0.2); good rows 0, 1, 3 -> TPR 2/3; bad row 2 not approved -> FPR 0.
  EXPECT_DOUBLE_EQ(a.at("approval_rate"), 0.5);
  EXPECT_DOUBLE_EQ(a.at("tpr"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.at("fpr"), 0.0);
  EXPECT_DOUBLE_EQ(a.at("observed_default_rate"), 0.25);
  EXPECT_DOUBLE_EQ(a.at("predicted_default_rate"), 0.4);
  EXPECT_DOUBLE_EQ(a.at("auc"), 1.0);  // the bad row outscores every good one
  // b: approved rows 4, 7 (p 0.3, 0.4); good row 4 -> TPR 1; bad rows 5, 6, 7, of which 7 approved -> FPR 1/3.
  EXPECT_DOUBLE_EQ(b.at("approval_rate"), 0.5);
  EXPECT_DOUBLE_EQ(b.at("tpr"), 1.0);
  EXPECT_DOUBLE_EQ(b.at("fpr"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(b.at("auc"), 1.0);
  // Equal approval rates: the first group is the reference; ratios against it.
  EXPECT_DOUBLE_EQ(a.at("adverse_impact_ratio"), 1.0);
  EXPECT_DOUBLE_EQ(b.at("adverse_impact_ratio"), 1.0);
  EXPECT_DOUBLE_EQ(a.at("equal_opportunity_difference"), 0.0);
  EXPECT_DOUBLE_EQ(b.at("equal_opportunity_difference"), 1.0 - 2.0 / 3.0);
  EXPECT_EQ(rates[1].rows, 4);
  EXPECT_EQ(rates[1].adverse_labels, 3);
}

TEST(Fairness, TheMostFavouredGroupIsTheReference) {
  // At threshold 0.65, a approves 3 of 4 and b 2 of 4: b's impact ratio is 2/4 / (3/4).
  const FairnessTable t = fairness_table(kP, kY, kG, 0.65, 50, 1);
  EXPECT_EQ(t.reference_group, "a");
  EXPECT_DOUBLE_EQ(t.groups[1].value.at("adverse_impact_ratio"), (2.0 / 4.0) / (3.0 / 4.0));
}

bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

TEST(Fairness, BootstrapIntervalsAreReproducibleAndHoldTheEstimate) {
  const FairnessTable one = fairness_table(kP, kY, kG, 0.5, 200, 7), two = fairness_table(kP, kY, kG, 0.5, 200, 7);
  for (size_t g = 0; g < one.groups.size(); ++g)
    for (const std::string& m : fairness_metric_names()) {
      const double v = one.groups[g].value.at(m), lo = one.groups[g].low.at(m), hi = one.groups[g].high.at(m);
      EXPECT_TRUE(same(lo, two.groups[g].low.at(m))) << m;
      EXPECT_TRUE(same(hi, two.groups[g].high.at(m))) << m;
      if (!std::isnan(lo)) {
        EXPECT_LE(lo, hi) << m;
      }
      if (!std::isnan(v) && !std::isnan(lo)) {
        EXPECT_LE(lo, v + 1e-12) << m;
      }
    }
}

// The ratios are taken against the point estimate's most-favoured group in every resample, so
// its own ratio is exactly 1; a metric undefined in many resamples (a group of 4 with one
// defaulter has no FPR whenever the defaulter is not drawn) gets no interval.
TEST(Fairness, IntervalsKeepTheReferenceAndRefuseMostlyUndefinedResamples) {
  const FairnessTable t = fairness_table(kP, kY, kG, 0.65, 200, 3);
  const auto& reference = t.groups[0];
  ASSERT_EQ(reference.group, t.reference_group);
  EXPECT_EQ(reference.low.at("adverse_impact_ratio"), 1.0);
  EXPECT_EQ(reference.high.at("adverse_impact_ratio"), 1.0);
  EXPECT_TRUE(std::isnan(reference.low.at("fpr")));  // a: one defaulter in 4 rows, absent from ~32 % of resamples
  EXPECT_FALSE(std::isnan(reference.low.at("approval_rate")));
}

TEST(Fairness, AGroupWithOneClassHasNoAuc) {
  const auto rates = group_rates(std::vector<double>{0.1, 0.2, 0.6, 0.7}, std::vector<int>{0, 0, 0, 1},
                                 std::vector<std::string>{"x", "x", "y", "y"}, 0.5);
  EXPECT_TRUE(std::isnan(rates[0].value.at("auc")));
  EXPECT_TRUE(std::isnan(rates[0].value.at("fpr")));  // no bad rows in x
}

TEST(Fairness, BadInputIsNamed) {
  testing::expect_value_error(
      [] { group_rates(std::vector<double>{0.5}, std::vector<int>{2}, std::vector<std::string>{"a"}, 0.5); },
      {"label 2 at row 0"});
  testing::expect_value_error(
      [] { group_rates(std::vector<double>{1.5}, std::vector<int>{1}, std::vector<std::string>{"a"}, 0.5); },
      {"probability 1.5"});
  EXPECT_THROW(group_rates(std::vector<double>{0.5}, std::vector<int>{1, 0}, std::vector<std::string>{"a"}, 0.5),
               ShapeError);
}

}  // namespace
}  // namespace deepfin::metrics
