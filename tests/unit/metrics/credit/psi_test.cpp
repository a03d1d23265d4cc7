#include "deepfin/metrics/credit/psi.h"

#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;

TEST(CreditPsi, EmptyActualBinUsesEpsilon) {
  // Expected 1..10, 2 bins: median edge 5.5, expected shares .5 / .5. Actual {1,2,3,4}: 1 / 0,
  // and the 0 becomes 1e-4: PSI = (1 - .5) ln(1/.5) + (1e-4 - .5) ln(1e-4/.5)
  //                             = 0.346574 + 4.257745 = 4.604318.
  const std::vector<double> expected{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const PsiResult r = population_stability_index(expected, std::vector<double>{1, 2, 3, 4}, 2);
  EXPECT_NEAR(r.psi, 4.604318, 1e-6);
  EXPECT_EQ(r.band, "significant shift");
  ASSERT_EQ(r.bins.size(), 2u);
  EXPECT_TRUE(std::isinf(r.bins[0].lower) && r.bins[0].lower < 0);
  EXPECT_EQ(r.bins[0].upper, 5.5);
  EXPECT_EQ(r.bins[1].lower, 5.5);
  EXPECT_TRUE(std::isinf(r.bins[1].upper));
  EXPECT_EQ(r.bins[1].expected_share, 0.5);
  EXPECT_EQ(r.bins[1].actual_share, 0.0);  // raw share; epsilon only inside the term
  EXPECT_NEAR(r.bins[0].contribution, 0.5 * std::log(2.0), 1e-12);
}

TEST(CreditPsi, IdenticalSamplesAreStable) {
  const std::vector<double> sample{0.3, 0.1, 0.7, 0.7, 0.2, 0.9, 0.4, 0.5, 0.6, 0.8, 0.05, 0.33};
  const PsiResult r = population_stability_index(sample, sample);
  EXPECT_EQ(r.psi, 0.0);
  EXPECT_EQ(r.band, "stable");
}

TEST(CreditPsi, DuplicateEdgesAreMerged) {
  // Expected {1 x8, 2, 3}: decile k at position 0.9k of the sorted sample -> k = 1..7: 1,
  // k = 8: 1 + 0.2 = 1.2, k = 9: 2 + 0.1 = 2.1. Edges {1, 1.2, 2.1}: 4 bins,
  // expected shares 0, .8, .1, .1. Actual {0, 5}: .5, 0, 0, .5. With eps = 1e-4:
  // PSI = (.5 - e) ln(.5/e) + (e - .8) ln(e/.8) + (e - .1) ln(e/.1) + .4 ln 5.
  std::vector<double> expected(8, 1.0);
  expected.push_back(2);
  expected.push_back(3);
  const PsiResult r = population_stability_index(expected, std::vector<double>{0, 5});
  ASSERT_EQ(r.bins.size(), 4u);
  EXPECT_EQ(r.bins[1].lower, 1.0);
  EXPECT_NEAR(r.bins[2].lower, 1.2, 1e-12);
  EXPECT_NEAR(r.bins[3].lower, 2.1, 1e-12);
  EXPECT_EQ(r.bins[0].expected_share, 0.0);
  EXPECT_NEAR(r.bins[1].expected_share, 0.8, 1e-12);
  const double e = 1e-4;
  const double hand = (0.5 - e) * std::log(0.5 / e) + (e - 0.8) * std::log(e / 0.8) + (e - 0.1) * std::log(e / 0.1) +
                      0.4 * std::log(5.0);
  EXPECT_NEAR(r.psi, hand, 1e-9);
}

TEST(CreditPsi, Bands) {
  EXPECT_EQ(psi_band(0.0999), "stable");
  EXPECT_EQ(psi_band(0.1), "moderate shift");
  EXPECT_EQ(psi_band(0.2499), "moderate shift");
  EXPECT_EQ(psi_band(0.25), "significant shift");
}

TEST(CreditPsi, BadInput) {
  const std::vector<double> ok{1, 2, 3};
  expect_value_error([&] { population_stability_index(ok, std::vector<double>{}); },
                     {"population_stability_index", "actual", "empty"});
  expect_value_error(
      [&] {
        population_stability_index(std::vector<double>{1, NAN}, ok);
      },
      {"population_stability_index", "expected", "NaN", "index 1"});
  expect_value_error([&] { population_stability_index(ok, ok, 0); }, {"bins"});
  expect_value_error([&] { population_stability_index(ok, ok, 10, 0.0); }, {"epsilon"});
}

}  // namespace
}  // namespace deepfin::metrics
