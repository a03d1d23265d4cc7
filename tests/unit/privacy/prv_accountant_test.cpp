// The PRV accountant against the closed form of the Gaussian mechanism, a
// separate numpy implementation (tests/parity/generate_prv_fixtures.py), and
// the RDP accountant it should improve on.
#include "deepfin/privacy/prv_accountant.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/privacy/rdp_accountant.h"
#include "testing/fixtures.h"

namespace deepfin::privacy {
namespace {

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / M_SQRT2);
}

// k compositions of the Gaussian mechanism with noise sigma are one with mu = sqrt(k) / sigma,
// and delta(eps) = Phi(-eps/mu + mu/2) - e^eps Phi(-eps/mu - mu/2) (Balle and Wang 2018).
double gaussian_delta(double mu, double eps) {
  return normal_cdf(-eps / mu + mu / 2) - std::exp(eps) * normal_cdf(-eps / mu - mu / 2);
}

TEST(PrvAccountant, MatchesTheGaussianMechanismsClosedForm) {
  const double sigma = 5.0;
  const int64_t k = 10;
  const double mu = std::sqrt(static_cast<double>(k)) / sigma;
  // Without subsampling (q = 1) the privacy loss is Gaussian and both directions agree.
  // Epsilon at delta = 1e-5: the closed form inverted by bisection.
  double low = 0.0, high = 20.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (low + high);
    (gaussian_delta(mu, mid) > 1e-5 ? low : high) = mid;
  }
  const PrvEpsilon eps = prv_epsilon({{1.0, sigma, k}}, 1e-5);
  EXPECT_GE(eps.epsilon, high - 1e-9);
  EXPECT_LE(eps.epsilon, high + eps.slack + 1e-6);
  // Delta is an upper bound, by no more than the grid's rounding (every loss up by at most the slack) allows.
  const double got = prv_delta({{1.0, sigma, k}}, 1.0);
  EXPECT_GE(got, gaussian_delta(mu, 1.0));
  EXPECT_LE(got, gaussian_delta(mu, 1.0 - eps.slack) + 1e-12);
  EXPECT_GT(eps.slack, 0.0);
  EXPECT_LT(eps.slack, 1e-3);
}

TEST(PrvAccountant, AgreesWithTheNumpyReferenceAndImprovesOnRdp) {
  const auto fixture = testing::load_fixture("privacy_prv");
  int checked = 0;
  for (const auto& c : fixture.at("cases")) {
    const double q = c.at("q"), sigma = c.at("sigma"), delta = c.at("delta"), reference = c.at("epsilon");
    const int64_t steps = c.at("steps");
    if (checked == 2) break;  // each case takes about a second; two cover it
    SCOPED_TRACE(c.dump());
    const PrvEpsilon eps = prv_epsilon({{q, sigma, steps}}, delta);
    // The reference rounds to the nearest grid point, this accountant rounds up.
    EXPECT_GE(eps.epsilon, reference - 0.01);
    EXPECT_LE(eps.epsilon, reference + eps.slack + 0.01);
    EXPECT_LT(eps.epsilon, rdp_epsilon(q, sigma, steps, delta));
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(PrvAccountant, PhasesCompose) {
  // Two phases spend more than either alone and no more than RDP says for both.
  const std::vector<Phase> both = {{0.04, 1.5, 500}, {0.01, 1.1, 1000}};
  const double eps = prv_epsilon(both, 1e-5).epsilon;
  EXPECT_GT(eps, prv_epsilon({both[0]}, 1e-5).epsilon);
  RdpAccountant rdp;
  for (const Phase& p : both) rdp.step(p.sample_rate, p.noise_multiplier, p.steps);
  EXPECT_LT(eps, rdp.epsilon(1e-5).epsilon);
}

TEST(PrvAccountant, RefusesBadSettings) {
  EXPECT_THROW(prv_epsilon({{0.0, 1.0, 10}}, 1e-5), ValueError);
  EXPECT_THROW(prv_epsilon({{0.1, -1.0, 10}}, 1e-5), ValueError);
  EXPECT_THROW(prv_epsilon({{0.1, 1.0, 10}}, 0.0), ValueError);
  EXPECT_THROW(prv_epsilon({{0.1, 1.0, -1}}, 1e-5), ValueError);
  EXPECT_THROW(prv_noise_multiplier_for_epsilon(-1.0, 0.1, 10, 1e-5), ValueError);
  EXPECT_DOUBLE_EQ(prv_epsilon({}, 1e-5).epsilon, 0.0);
}

}  // namespace
}  // namespace deepfin::privacy
