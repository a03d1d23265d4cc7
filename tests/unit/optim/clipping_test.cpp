#include <gtest/gtest.h>

#include "deepfin/optim/sgd.h"

namespace deepfin {
namespace {

// With plain SGD at lr = 1 the step is exactly the (clipped) gradient.
std::vector<float> applied_step(optim::Optimizer& opt, const std::vector<float>& g) {
  std::vector<float> p(g.size(), 0.0f);
  opt.apply_gradients(p.data(), g.data(), static_cast<int64_t>(g.size()));
  for (float& x : p) x = -x;
  return p;
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6) << "element " << i;
}

TEST(Clipping, ClipValueClampsEachElementAndLeavesGradsUntouched) {
  auto opt = optim::SGD({.learning_rate = 1.0, .clipvalue = 1.0});
  const std::vector<float> g{3.0f, -0.5f, -7.0f, 0.25f};
  expect_near(applied_step(*opt, g), {1.0f, -0.5f, -1.0f, 0.25f});
  EXPECT_EQ(g[0], 3.0f);
}

TEST(Clipping, GlobalClipNormRescalesOnlyWhenAboveThreshold) {
  auto opt = optim::SGD({.learning_rate = 1.0, .global_clipnorm = 1.0});
  expect_near(applied_step(*opt, {3.0f, 4.0f}), {0.6f, 0.8f});
  auto loose = optim::SGD({.learning_rate = 1.0, .global_clipnorm = 10.0});
  expect_near(applied_step(*loose, {3.0f, 4.0f}), {3.0f, 4.0f});
}

TEST(Clipping, ClipNormClipsEachVariableSeparately) {
  auto opt = optim::SGD({.learning_rate = 1.0, .clipnorm = 2.0});
  opt->set_variable_sizes({2, 1, 2});
  // Norms 5, 10, 0.5: the first two are scaled to norm 2, the last is within bounds.
  expect_near(applied_step(*opt, {3.0f, 4.0f, -10.0f, 0.3f, 0.4f}), {1.2f, 1.6f, -2.0f, 0.3f, 0.4f});
  // Without sizes the whole arena is one variable, like global_clipnorm.
  auto whole = optim::SGD({.learning_rate = 1.0, .clipnorm = 1.0});
  expect_near(applied_step(*whole, {3.0f, 4.0f}), {0.6f, 0.8f});
}

TEST(Clipping, VariableSizesMustCoverTheArena) {
  auto opt = optim::SGD({.clipnorm = 1.0});
  opt->set_variable_sizes({2, 2});
  std::vector<float> p(3), g(3, 1.0f);
  EXPECT_THROW(opt->apply_gradients(p.data(), g.data(), 3), ShapeError);
}

}  // namespace
}  // namespace deepfin
