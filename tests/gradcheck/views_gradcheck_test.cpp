// Gradient checks for the core views: each must route gradients back to the
// elements it reads, including through strided and broadcast inputs.
#include <gtest/gtest.h>

#include "testing/gradcheck.h"

namespace deepfin::testing {
namespace {

Tensor input(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return random_double(shape, gen);
}

TEST(GradcheckViews, Reshape) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].reshape({3, -1}); }, {input({2, 3, 2}, 1)}));
  // Non-contiguous input: reshape has to copy, and the copy must carry the gradient.
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].transpose(0, 1).reshape({6}); }, {input({2, 3}, 2)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].flatten(1); }, {input({2, 2, 3}, 3)}));
}

TEST(GradcheckViews, PermuteAndTranspose) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].permute({2, 0, 1}); }, {input({2, 3, 4}, 4)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].transpose(-1, 0); }, {input({3, 2}, 5)}));
}

TEST(GradcheckViews, SliceAndSelect) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].slice(1, 1, 5, 2); }, {input({3, 5}, 6)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].slice(0, -2, 10); }, {input({4, 2}, 7)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].select(1, -1); }, {input({3, 4}, 8)}));
}

TEST(GradcheckViews, SqueezeUnsqueeze) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].unsqueeze(1).squeeze(1).unsqueeze(0); }, {input({2, 3}, 9)}));
}

TEST(GradcheckViews, BroadcastTo) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].broadcast_to({2, 3, 4}); }, {input({3, 1}, 10)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].broadcast_to({3, 2}); }, {input({2}, 11)}));
  // A strided view as input.
  EXPECT_TRUE(gradcheck(
      [](const auto& in) {
        return in[0].slice(1, 0, 4, 2).broadcast_to({2, 3, 2});
      },
      {input({3, 4}, 12)}));
}

TEST(GradcheckViews, ContiguousCloneCastAndSumToShape) {
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].transpose(0, 1).contiguous(); }, {input({2, 3}, 13)}));
  EXPECT_TRUE(gradcheck([](const auto& in) { return in[0].clone(); }, {input({4}, 14)}));
  // float64 -> float32 -> float64 round trip: the gradient comes back in float64.
  GradcheckOptions loose{.eps = 1e-3, .atol = 1e-4, .rtol = 1e-3};
  EXPECT_TRUE(
      gradcheck([](const auto& in) { return in[0].to(DType::float32).to(DType::float64); }, {input({3}, 15)}, loose));
  EXPECT_TRUE(gradcheck([](const auto& in) { return sum_to_shape(in[0], {3, 1}); }, {input({2, 3, 4}, 16)}));
}

}  // namespace
}  // namespace deepfin::testing
