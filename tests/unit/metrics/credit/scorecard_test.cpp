#include "deepfin/metrics/credit/scorecard.h"

#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;

TEST(CreditScorecard, AnchorPoints) {
  const Scorecard card;                                // 600 points at 50:1 good:bad, 20 points to double the odds
  EXPECT_NEAR(card.points(1.0 / 51.0), 600.0, 1e-9);   // odds 50:1
  EXPECT_NEAR(card.points(1.0 / 101.0), 620.0, 1e-9);  // odds 100:1
  EXPECT_NEAR(card.points(1.0 / 26.0), 580.0, 1e-9);   // odds 25:1
  EXPECT_NEAR(card.points(0.5), 600.0 - 20.0 * std::log2(50.0), 1e-9);  // odds 1:1 is log2(50) halvings down
  // factor = 20 / ln 2 = 28.853901, offset = 600 - factor ln 50 = 487.122876
  EXPECT_NEAR(card.factor(), 28.853901, 1e-6);
  EXPECT_NEAR(card.offset(), 487.122876, 1e-6);
}

TEST(CreditScorecard, RoundTripAndMonotone) {
  const Scorecard card{.base_score = 500, .base_odds = 20, .points_to_double_odds = 40};
  EXPECT_NEAR(card.probability_bad(500), 1.0 / 21.0, 1e-12);
  double previous = INFINITY;
  for (double p : {1e-6, 0.01, 0.1, 0.3, 0.5, 0.8, 0.999}) {
    const double points = card.points(p);
    EXPECT_NEAR(card.probability_bad(points), p, 1e-12 + 1e-9 * p);
    EXPECT_LT(points, previous);  // riskier applicants score lower
    previous = points;
  }
}

TEST(CreditScorecard, BadInput) {
  const Scorecard card;
  expect_value_error([&] { card.points(0.0); }, {"Scorecard::points", "strictly between 0 and 1", "0"});
  expect_value_error([&] { card.points(1.0); }, {"Scorecard::points"});
  expect_value_error([] { Scorecard{.points_to_double_odds = 0}.points(0.5); }, {"points_to_double_odds"});
  expect_value_error([&] { card.probability_bad(NAN); }, {"NaN"});
}

}  // namespace
}  // namespace deepfin::metrics
