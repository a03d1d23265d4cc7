#include "deepfin/metrics/credit/probability.h"

#include <gtest/gtest.h>

#include <cmath>

#include "expect_error.h"

namespace deepfin::metrics {
namespace {

using deepfin::testing::expect_value_error;

TEST(CreditProbability, LogLossByHand) {
  // -(ln 0.8 + ln(1 - 0.3) + ln(1 - 0.6)) / 3 = (0.22314 + 0.35667 + 0.91629) / 3 = 0.49870
  const std::vector<double> p{0.8, 0.3, 0.6};
  const std::vector<int> y{1, 0, 0};
  EXPECT_NEAR(log_loss(p, y), 0.498703, 1e-6);
  EXPECT_NEAR(log_loss(p, y), -(std::log(0.8) + std::log(0.7) + std::log(0.4)) / 3, 1e-12);
}

TEST(CreditProbability, LogLossClipsConfidentMistakes) {
  // p = 1 for a label 0 costs -ln(eps) instead of infinity; p = 0 for label 0 costs ~0.
  EXPECT_NEAR(log_loss(std::vector<double>{1.0}, std::vector<int>{0}), -std::log(1e-15), 1e-6);
  EXPECT_NEAR(log_loss(std::vector<double>{1.0}, std::vector<int>{0}, 1e-3), -std::log(1e-3), 1e-9);
  EXPECT_NEAR(log_loss(std::vector<double>{0.0}, std::vector<int>{0}), 0.0, 1e-12);
}

TEST(CreditProbability, BrierByHand) {
  // ((0.8 - 1)^2 + 0.3^2 + 0.6^2) / 3 = (0.04 + 0.09 + 0.36) / 3 = 0.163333
  EXPECT_NEAR(brier_score(std::vector<double>{0.8, 0.3, 0.6}, std::vector<int>{1, 0, 0}), 0.49 / 3, 1e-12);
  EXPECT_EQ(brier_score(std::vector<double>{1.0, 0.0}, std::vector<int>{1, 0}), 0.0);
  EXPECT_EQ(brier_score(std::vector<double>{0.0, 1.0}, std::vector<int>{1, 0}), 1.0);
}

TEST(CreditProbability, BadInputNamesFunctionAndProblem) {
  const std::vector<int> y{1, 0};
  expect_value_error([&] { log_loss(std::vector<double>{0.5, 1.5}, y); }, {"log_loss", "index 1", "1.5", "[0, 1]"});
  expect_value_error([&] { brier_score(std::vector<double>{-0.1, 0.5}, y); }, {"brier_score", "index 0", "[0, 1]"});
  expect_value_error([&] { brier_score(std::vector<double>{NAN, 0.5}, y); }, {"brier_score", "NaN"});
  expect_value_error([&] { log_loss(std::vector<double>{0.5}, y); }, {"log_loss", "size mismatch"});
  expect_value_error([&] { log_loss(std::vector<double>{0.5, 0.5}, std::vector<int>{1, -1}); }, {"0 or 1"});
  expect_value_error([&] { brier_score(std::vector<double>{}, std::vector<int>{}); }, {"brier_score", "empty"});
}

}  // namespace
}  // namespace deepfin::metrics
