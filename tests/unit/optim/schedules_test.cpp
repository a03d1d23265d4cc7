#include "deepfin/optim/schedules.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "deepfin/optim/registry.h"
#include "deepfin/optim/sgd.h"

namespace deepfin {
namespace {

using namespace optim;

TEST(Schedules, ExponentialDecayContinuousAndStaircase) {
  ExponentialDecay smooth(0.1, 10, 0.5);
  EXPECT_DOUBLE_EQ(smooth(0), 0.1);
  EXPECT_DOUBLE_EQ(smooth(5), 0.1 * std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(smooth(20), 0.025);
  ExponentialDecay stairs(0.1, 10, 0.5, true);
  EXPECT_DOUBLE_EQ(stairs(9), 0.1);
  EXPECT_DOUBLE_EQ(stairs(10), 0.05);
  EXPECT_DOUBLE_EQ(stairs(15), 0.05);
}

TEST(Schedules, StepDecayDropsEveryStepSize) {
  StepDecay s(1.0, 3, 0.1);
  EXPECT_DOUBLE_EQ(s(2), 1.0);
  EXPECT_DOUBLE_EQ(s(3), 0.1);
  EXPECT_NEAR(s(7), 0.01, 1e-15);
}

TEST(Schedules, PiecewiseConstantBoundariesAreInclusive) {
  PiecewiseConstantDecay s({10, 20}, {1.0, 0.5, 0.1});
  EXPECT_EQ(s(0), 1.0);
  EXPECT_EQ(s(10), 1.0);
  EXPECT_EQ(s(11), 0.5);
  EXPECT_EQ(s(20), 0.5);
  EXPECT_EQ(s(21), 0.1);
  EXPECT_THROW(PiecewiseConstantDecay({1}, {1.0}), ValueError);
}

TEST(Schedules, CosineDecayKerasFormula) {
  CosineDecay s(1.0, 100, {.alpha = 0.1});
  EXPECT_DOUBLE_EQ(s(0), 1.0);
  EXPECT_NEAR(s(50), 0.9 * 0.5 + 0.1, 1e-12);
  EXPECT_NEAR(s(25), 0.9 * 0.5 * (1 + std::cos(std::numbers::pi / 4)) + 0.1, 1e-12);
  EXPECT_NEAR(s(100), 0.1, 1e-12);
  EXPECT_NEAR(s(1000), 0.1, 1e-12);  // held at the end
}

TEST(Schedules, CosineDecayWithWarmup) {
  CosineDecay s(0.0, 100, {.warmup_target = 1.0, .warmup_steps = 10});
  EXPECT_DOUBLE_EQ(s(0), 0.0);
  EXPECT_DOUBLE_EQ(s(5), 0.5);
  EXPECT_DOUBLE_EQ(s(10), 1.0);
  EXPECT_NEAR(s(60), 0.5, 1e-12);
  EXPECT_NEAR(s(500), 0.0, 1e-12);
}

TEST(Schedules, ConfigRoundTripAndUnknownName) {
  std::vector<std::shared_ptr<LearningRateSchedule>> all{
      std::make_shared<ExponentialDecay>(0.1, 7, 0.9, true), std::make_shared<StepDecay>(0.2, 3, 0.5),
      std::make_shared<PiecewiseConstantDecay>(std::vector<int64_t>{5}, std::vector<double>{1.0, 0.1}),
      std::make_shared<CosineDecay>(0.3, 40,
                                    CosineDecayOptions{.alpha = 0.2, .warmup_target = 0.5, .warmup_steps = 4})};
  for (const auto& s : all) {
    auto back = schedule_from_config(serialize_schedule(*s));
    EXPECT_EQ(back->class_name(), s->class_name());
    for (int64_t step : {0, 3, 6, 13, 50}) EXPECT_DOUBLE_EQ((*back)(step), (*s)(step)) << s->class_name();
  }
  try {
    schedule_from_config({{"class_name", "Bogus"}, {"config", nlohmann::json::object()}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("CosineDecay"), std::string::npos);
  }
}

TEST(Schedules, OptimizerUsesScheduleAtEachIteration) {
  auto schedule = std::make_shared<StepDecay>(1.0, 2, 0.5);
  auto opt = SGD({.schedule = schedule});
  std::vector<float> p{0.0f}, g{1.0f};
  std::vector<double> expected_p;
  double ref = 0;
  for (int step = 0; step < 5; ++step) {
    EXPECT_DOUBLE_EQ(opt->learning_rate(), (*schedule)(step));
    opt->apply_gradients(p.data(), g.data(), 1);
    ref -= (*schedule)(step);
    EXPECT_FLOAT_EQ(p[0], static_cast<float>(ref));
  }
  EXPECT_THROW(opt->set_learning_rate(0.1), ValueError);
  // The schedule survives a config round trip.
  auto back = from_config(serialize(*opt));
  ASSERT_NE(back->schedule(), nullptr);
  EXPECT_EQ(back->schedule()->class_name(), "StepDecay");
}

}  // namespace
}  // namespace deepfin
