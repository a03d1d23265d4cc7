// Discriminative learning rates: a variable stepped at lr x m with its own slots is exactly
// a separate optimizer at that rate, for Adam (with its moments) and SGD with momentum.
#include <gtest/gtest.h>

#include <vector>

#include "deepfin/base/error.h"
#include "deepfin/optim/optim.h"

namespace deepfin {
namespace {

// Steps a 3 + 2 arena with multipliers {1, 0.25} and the two variables with separate optimizers.
template <class Make>
void expect_split_equals_separate(Make make) {
  auto joint = make(0.1), first = make(0.1), second = make(0.1 * 0.25);
  joint->set_variable_sizes({3, 2});
  joint->set_learning_rate_multipliers({1.0, 0.25});
  std::vector<float> p = {1, -2, 3, 0.5f, -1}, a = {1, -2, 3}, b = {0.5f, -1};
  for (int step = 0; step < 6; ++step) {
    const std::vector<float> g = {0.3f * step - 1, 2, -0.5f, 1.5f, -0.25f * step};
    joint->apply_gradients(p.data(), g.data(), 5);
    first->apply_gradients(a.data(), g.data(), 3);
    second->apply_gradients(b.data(), g.data() + 3, 2);
  }
  for (int i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(p[i], a[i]) << i;
  for (int i = 0; i < 2; ++i) EXPECT_FLOAT_EQ(p[3 + i], b[i]) << i;
}

TEST(LearningRateMultipliers, EachVariableStepsAtItsOwnRate) {
  expect_split_equals_separate([](double lr) { return optim::Adam({.learning_rate = lr}); });
  expect_split_equals_separate([](double lr) { return optim::SGD({.learning_rate = lr, .momentum = 0.9}); });
  expect_split_equals_separate([](double lr) { return optim::AdamW({.learning_rate = lr, .weight_decay = 0.1}); });
}

TEST(LearningRateMultipliers, ZeroFreezesAndBadValuesAreNamed) {
  auto adam = optim::Adam({.learning_rate = 0.1});
  adam->set_variable_sizes({2, 1});
  adam->set_learning_rate_multipliers({0.0, 1.0});
  std::vector<float> p = {1, 2, 3};
  const std::vector<float> g = {1, 1, 1};
  adam->apply_gradients(p.data(), g.data(), 3);
  EXPECT_EQ(p[0], 1.0f);
  EXPECT_EQ(p[1], 2.0f);
  EXPECT_NE(p[2], 3.0f);
  EXPECT_THROW(adam->set_learning_rate_multipliers({-1.0, 1.0}), ValueError);
  adam->set_learning_rate_multipliers({1.0});
  EXPECT_THROW(adam->apply_gradients(p.data(), g.data(), 3), ShapeError);  // 1 multiplier for 2 variables
}

}  // namespace
}  // namespace deepfin
