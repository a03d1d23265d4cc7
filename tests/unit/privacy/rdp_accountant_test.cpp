// The RDP accountant against Opacus's published value and against an independent
// reference that integrates A_alpha numerically (tests/parity/generate_privacy_fixtures.py).
#include "deepfin/privacy/rdp_accountant.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "testing/fixtures.h"

namespace deepfin::privacy {
namespace {

void expect_relative(double actual, double expected, double tolerance) {
  EXPECT_LE(std::abs(actual - expected), tolerance * std::abs(expected)) << actual << " vs " << expected;
}

TEST(RdpAccountant, MatchesOpacusPublishedValue) {
  // Opacus's own unit test: q = 0.04, sigma = 1.5, 2250 steps, delta = 1e-5.
  expect_relative(rdp_epsilon(0.04, 1.5, 2250, 1e-5), 7.32911117143, 1e-6);
}

TEST(RdpAccountant, RdpCurvesMatchNumericalIntegration) {
  const auto fixture = testing::load_fixture("privacy_rdp");
  for (const auto& curve : fixture.at("curves")) {
    const double q = curve.at("q"), sigma = curve.at("sigma");
    const auto orders = curve.at("orders").get<std::vector<double>>();
    const auto rdp = curve.at("rdp").get<std::vector<double>>();
    ASSERT_EQ(orders, default_orders());
    for (size_t k = 0; k < orders.size(); ++k) {
      SCOPED_TRACE(::testing::Message() << "q=" << q << " sigma=" << sigma << " order=" << orders[k]);
      const double got = sampled_gaussian_rdp(q, sigma, orders[k]);
      EXPECT_LE(std::abs(got - rdp[k]), 1e-7 * std::abs(rdp[k]) + 1e-12) << got << " vs " << rdp[k];
    }
  }
}

TEST(RdpAccountant, EpsilonMatchesReferenceIncludingCompositionOfPhases) {
  const auto fixture = testing::load_fixture("privacy_rdp");
  int fractional = 0;
  for (const auto& c : fixture.at("cases")) {
    RdpAccountant accountant;
    for (const auto& p : c.at("phases")) accountant.step(p[0].get<double>(), p[1].get<double>(), p[2].get<int64_t>());
    const EpsilonAt got = accountant.epsilon(c.at("delta").get<double>());
    SCOPED_TRACE(c.dump());
    expect_relative(got.epsilon, c.at("epsilon").get<double>(), 1e-6);
    EXPECT_DOUBLE_EQ(got.order, c.at("order").get<double>());
    if (got.order != std::floor(got.order)) ++fractional;
  }
  EXPECT_GE(fractional, 5);  // the grid reaches the fractional-order series, not only integer orders
}

TEST(RdpAccountant, PhasesWithTheSameSettingsMerge) {
  RdpAccountant a;
  a.step(0.01, 1.1, 10);
  a.step(0.01, 1.1, 5);
  a.step(0.02, 1.1, 5);
  ASSERT_EQ(a.history().size(), 2u);
  EXPECT_EQ(a.history()[0].steps, 15);
  EXPECT_EQ(a.steps(), 20);
  RdpAccountant b;
  b.step(0.01, 1.1, 15);
  b.step(0.02, 1.1, 5);
  EXPECT_DOUBLE_EQ(a.epsilon(1e-5).epsilon, b.epsilon(1e-5).epsilon);
  EXPECT_DOUBLE_EQ(RdpAccountant().epsilon(1e-5).epsilon, 0.0);  // nothing spent before a step
}

TEST(RdpAccountant, NoiseForEpsilonInvertsTheAccountant) {
  const auto fixture = testing::load_fixture("privacy_rdp");
  for (const auto& c : fixture.at("cases")) {
    if (c.at("phases").size() != 1) continue;
    const auto& p = c.at("phases")[0];
    const double q = p[0], sigma = p[1], delta = c.at("delta"), eps = c.at("epsilon");
    const int64_t steps = p[2];
    const double found = noise_multiplier_for_epsilon(eps, q, steps, delta);
    SCOPED_TRACE(c.dump());
    EXPECT_LE(std::abs(found - sigma), 2e-4 * sigma);
    EXPECT_LE(rdp_epsilon(q, found, steps, delta), eps);  // never above the target
  }
}

TEST(RdpAccountant, RefusesBadSettingsWithTheirNames) {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { rdp_epsilon(0.0, 1.0, 10, 1e-5); }).find("sampling rate"), std::string::npos);
  EXPECT_NE(message([] { rdp_epsilon(1.5, 1.0, 10, 1e-5); }).find("sampling rate"), std::string::npos);
  EXPECT_NE(message([] { rdp_epsilon(0.1, 0.0, 10, 1e-5); }).find("noise multiplier"), std::string::npos);
  EXPECT_NE(message([] { rdp_epsilon(0.1, -1.0, 10, 1e-5); }).find("noise multiplier"), std::string::npos);
  EXPECT_NE(message([] { rdp_epsilon(0.1, 1.0, 10, 0.0); }).find("delta"), std::string::npos);
  EXPECT_NE(message([] { rdp_epsilon(0.1, 1.0, 10, 1.0); }).find("delta"), std::string::npos);
  EXPECT_NE(message([] { noise_multiplier_for_epsilon(0.0, 0.1, 10, 1e-5); }).find("epsilon"), std::string::npos);
  EXPECT_NE(message([] { noise_multiplier_for_epsilon(-1.0, 0.1, 10, 1e-5); }).find("epsilon"), std::string::npos);
  // Below what the RDP-to-(epsilon, delta) conversion itself costs, no noise suffices.
  EXPECT_NE(message([] { noise_multiplier_for_epsilon(0.01, 0.1, 10, 1e-5); }).find("cannot be reached"),
            std::string::npos);
}

}  // namespace
}  // namespace deepfin::privacy
