// float64 gradient checks for max/avg pooling (valid, same, stride != pool)
// and the global pools, through the optimized and the reference kernels.
// Inputs are distinct values spaced apart, so no max is tied and central
// differences never cross a switch of the arg-max.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "deepfin/ops/pooling.h"
#include "kernels/dispatch.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;

// A shuffled arithmetic sequence: distinct values at least 0.1 apart.
Tensor distinct_values(const Shape& shape, uint64_t seed) {
  std::vector<double> v(shape_numel(shape));
  std::iota(v.begin(), v.end(), 0.0);
  for (double& x : v) x *= 0.1;
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  return from_vector(v, shape);
}

class GradcheckPool : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { kernels::set_reference_kernels_only(GetParam()); }
  void TearDown() override { kernels::set_reference_kernels_only(false); }
};

TEST_P(GradcheckPool, MaxAndAvgGeometries) {
  const std::vector<std::pair<Shape, Pool2dOptions>> cases = {
      {{2, 4, 4, 2}, {}},                                        // 2x2 valid
      {{1, 5, 5, 1}, {.padding = Padding::same}},                // same, odd input
      {{1, 5, 6, 2}, {.pool_size = {3, 2}, .strides = {1, 2}}},  // stride != pool
      {{1, 5, 5, 1}, {.pool_size = {3, 3}, .strides = {2, 2}, .padding = Padding::same}},
      {{1, 3, 3, 1}, {.pool_size = {2, 2}, .strides = {1, 1}}},  // overlapping windows
      {{1, 1, 1, 1}, {.pool_size = {1, 1}}},
  };
  uint64_t seed = 0;
  for (const auto& [shape, o] : cases) {
    auto maxf = [o](const std::vector<Tensor>& t) { return max_pool2d(t[0], o); };
    auto avgf = [o](const std::vector<Tensor>& t) { return avg_pool2d(t[0], o); };
    EXPECT_TRUE(gradcheck(maxf, {distinct_values(shape, ++seed)})) << "max " << shape_str(shape);
    EXPECT_TRUE(gradcheck(avgf, {distinct_values(shape, ++seed)})) << "avg " << shape_str(shape);
  }
}

TEST_P(GradcheckPool, StridedInput) {
  auto f = [](const std::vector<Tensor>& t) { return max_pool2d(t[0], {.padding = Padding::same}); };
  EXPECT_TRUE(gradcheck(f, {distinct_values({1, 5, 3, 2}, 7).transpose(1, 2)}));
  auto g = [](const std::vector<Tensor>& t) { return avg_pool2d(t[0], {.pool_size = {2, 1}}); };
  EXPECT_TRUE(gradcheck(g, {distinct_values({1, 4, 6, 1}, 8).slice(2, 0, 6, 2)}));
}

TEST_P(GradcheckPool, GlobalPools) {
  auto avgf = [](const std::vector<Tensor>& t) { return global_avg_pool2d(t[0]); };
  auto maxf = [](const std::vector<Tensor>& t) { return global_max_pool2d(t[0]); };
  for (const Shape& s : {Shape{2, 3, 4, 3}, Shape{1, 1, 1, 2}}) {
    EXPECT_TRUE(gradcheck(avgf, {distinct_values(s, 11)})) << shape_str(s);
    EXPECT_TRUE(gradcheck(maxf, {distinct_values(s, 12)})) << shape_str(s);
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, GradcheckPool, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "reference" : "optimized"; });

}  // namespace
}  // namespace deepfin
