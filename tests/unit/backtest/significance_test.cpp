// Significance: Diebold–Mariano edge cases and errors, and the Sharpe-difference bootstrap's
// behaviour on series whose answer is known.
#include "deepfin/backtest/significance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "deepfin/base/error.h"
#include "testing/error_message.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

V noise(size_t n, double mean, double sd, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  V v(n);
  for (double& x : v) x = d(rng);
  return v;
}

TEST(DieboldMariano, IdenticalLossesTie) {
  const V l = noise(100, 1, 0.3, 1);
  const DieboldMariano dm = diebold_mariano(l, l, 1);
  EXPECT_EQ(dm.mean_difference, 0);
  EXPECT_EQ(dm.p_value, 1);
  EXPECT_EQ(verdict(dm), Verdict::ties);
}

TEST(DieboldMariano, ClearlyLowerLossesBeat) {
  const V base = noise(300, 1.0, 0.2, 2);
  V model = base;
  for (double& x : model) x -= 0.1;
  model[0] += 0.05;  // not a constant difference
  const DieboldMariano dm = diebold_mariano(model, base, 1);
  EXPECT_LT(dm.p_value, 1e-10);
  EXPECT_EQ(verdict(dm), Verdict::beats);
  EXPECT_EQ(verdict(diebold_mariano(base, model, 1)), Verdict::loses);
  EXPECT_EQ(verdict_phrase(Verdict::beats, "EWMA"), "beats EWMA");
  EXPECT_EQ(verdict_phrase(Verdict::ties, "EWMA"), "ties with EWMA");
  EXPECT_EQ(verdict_phrase(Verdict::loses, "EWMA"), "loses to EWMA");
}

TEST(DieboldMariano, BadInputIsNamed) {
  const V a{1, 2, 3, 4}, b{1, 2, 3};
  EXPECT_THROW(diebold_mariano(a, b, 1), ShapeError);
  EXPECT_THROW(diebold_mariano(V{1, 2}, V{1, 2}, 1), ValueError);
  EXPECT_THROW(diebold_mariano(a, a, 4), ValueError);
  EXPECT_THROW(diebold_mariano(a, a, 0), ValueError);
  const V bad{1, NAN, 3, 4};
  EXPECT_NE(testing::error_message([&] { diebold_mariano(bad, a, 1); }).find("loss_model[1]"), std::string::npos);
  EXPECT_THROW(verdict(diebold_mariano(a, a, 1), 0.0), ValueError);
}

TEST(SharpeDifference, SameSeriesHasZeroDifferenceAndTies) {
  const V r = noise(250, 0.0004, 0.01, 3);
  const SharpeDifference d = sharpe_difference(r, r);
  EXPECT_EQ(d.difference, 0);
  EXPECT_EQ(d.lower, 0);
  EXPECT_EQ(d.upper, 0);
  EXPECT_EQ(verdict(d), Verdict::ties);
  EXPECT_EQ(d.block_length, 6);  // round(250^(1/3))
}

TEST(SharpeDifference, MatchesTheSharpeRatiosAndIsReproducible) {
  const V a = noise(500, 0.001, 0.01, 4), b = noise(500, 0.0, 0.01, 5);
  const SharpeDifference d = sharpe_difference(a, b, {.seed = 9});
  double mean = 0, ss = 0;
  for (double x : a) mean += x;
  mean /= 500;
  for (double x : a) ss += (x - mean) * (x - mean);
  EXPECT_NEAR(d.sharpe_a, mean / std::sqrt(ss / 499) * std::sqrt(252.0), 1e-12);
  EXPECT_NEAR(d.difference, d.sharpe_a - d.sharpe_b, 1e-15);
  EXPECT_LT(d.lower, d.difference);
  EXPECT_GT(d.upper, d.difference);
  const SharpeDifference again = sharpe_difference(a, b, {.seed = 9});
  EXPECT_EQ(again.lower, d.lower);
  EXPECT_EQ(again.p_value, d.p_value);
}

TEST(SharpeDifference, ALargeEdgeBeatsAndItsMirrorLoses) {
  // Daily Sharpe of about 0.5 against 0: annualized about 8, far outside the noise of 1,000 days.
  const V a = noise(1000, 0.005, 0.01, 6), b = noise(1000, 0.0, 0.01, 7);
  const SharpeDifference d = sharpe_difference(a, b);
  EXPECT_EQ(verdict(d), Verdict::beats);
  EXPECT_LT(d.p_value, 0.01);
  EXPECT_EQ(verdict(sharpe_difference(b, a)), Verdict::loses);
}

TEST(SharpeDifference, TheIntervalCoversTheTruthAtAboutItsLevel) {
  // Same distribution on both sides: the true difference is 0. Over 40 independent
  // draws a 90 % interval must miss it rarely (expected 4; fail above 12).
  int misses = 0;
  for (uint64_t s = 0; s < 40; ++s) {
    const SharpeDifference d = sharpe_difference(noise(300, 0.0003, 0.01, 100 + s), noise(300, 0.0003, 0.01, 200 + s),
                                                 {.resamples = 400, .level = 0.9, .seed = s});
    misses += d.lower > 0 || d.upper < 0;
  }
  EXPECT_LE(misses, 12);
}

TEST(SharpeDifference, BadInputIsNamed) {
  const V a{0.01, 0.02, -0.01, 0.0}, b{0.01, 0.02, 0.0};
  EXPECT_THROW(sharpe_difference(a, b), ShapeError);
  EXPECT_THROW(sharpe_difference(V{0.1, 0.2}, V{0.1, 0.2}), ValueError);
  EXPECT_THROW(sharpe_difference(a, a, {.resamples = 10}), ValueError);
  EXPECT_THROW(sharpe_difference(a, a, {.level = 1.0}), ValueError);
  EXPECT_THROW(sharpe_difference(a, a, {.block_length = 5}), ValueError);
  const V bad{0.01, INFINITY, 0.0, 0.0};
  EXPECT_NE(testing::error_message([&] { sharpe_difference(a, bad); }).find("returns_b[1]"), std::string::npos);
}

}  // namespace
}  // namespace deepfin::backtest

namespace deepfin::backtest {
namespace {

TEST(CorrectedPairedT, MatchesItsFormulaOnAHandCase) {
  // Differences 0.02, 0.01, 0.03, 0.00, 0.04: mean 0.02, sample variance 0.00025.
  const std::vector<double> a{0.82, 0.81, 0.83, 0.80, 0.84}, b{0.80, 0.80, 0.80, 0.80, 0.80};
  const PairedFoldTest t = corrected_paired_t_test(a, b, 1.0 / 4);  // 5-fold: test/train = 1/4
  EXPECT_NEAR(t.mean_difference, 0.02, 1e-15);
  const double statistic = 0.02 / std::sqrt((1.0 / 5 + 1.0 / 4) * 0.00025);
  EXPECT_NEAR(t.statistic, statistic, 1e-12);
  // 2 * scipy.stats.t.sf(1.8856180831641267, 4)
  EXPECT_NEAR(t.p_value, 0.13241892222024934, 1e-12);
  EXPECT_EQ(verdict(t), Verdict::ties);
  EXPECT_EQ(verdict(t, 0.2), Verdict::beats);
  EXPECT_EQ(verdict(corrected_paired_t_test(b, a, 0.25), 0.2), Verdict::loses);
}

TEST(CorrectedPairedT, EqualScoresTieAndBadInputIsNamed) {
  const std::vector<double> a{0.8, 0.7, 0.9};
  EXPECT_EQ(corrected_paired_t_test(a, a, 0.5).p_value, 1.0);
  EXPECT_THROW(corrected_paired_t_test(a, std::vector<double>{0.8}, 0.5), ShapeError);
  EXPECT_THROW(corrected_paired_t_test(std::vector<double>{0.8}, std::vector<double>{0.7}, 0.5), ValueError);
  EXPECT_THROW(corrected_paired_t_test(a, a, 0.0), ValueError);
  const std::vector<double> bad{0.8, NAN, 0.9};
  EXPECT_NE(testing::error_message([&] { corrected_paired_t_test(a, bad, 0.5); }).find("b[1]"), std::string::npos);
}

}  // namespace
}  // namespace deepfin::backtest
