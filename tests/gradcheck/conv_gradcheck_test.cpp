// float64 gradient checks for conv2d: valid/same padding, strides, dilation,
// with and without bias, odd sizes, strided inputs; through the optimized
// (im2col + GEMM) and the reference kernels alike.
#include <gtest/gtest.h>

#include "deepfin/ops/conv.h"
#include "kernels/dispatch.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

struct ConvCase {
  Shape x, kernel;
  Conv2dOptions options;
  bool bias;
};

class GradcheckConv : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { kernels::set_reference_kernels_only(GetParam()); }
  void TearDown() override { kernels::set_reference_kernels_only(false); }
};

TEST_P(GradcheckConv, Geometries) {
  Generator gen(4);
  const std::vector<ConvCase> cases = {
      {{1, 4, 5, 2}, {3, 3, 2, 3}, {}, true},                                             // valid, odd sizes
      {{2, 5, 4, 1}, {3, 2, 1, 2}, {.padding = Padding::same}, true},                     // same
      {{1, 5, 5, 2}, {3, 3, 2, 2}, {.strides = {2, 2}}, false},                           // stride 2, no bias
      {{1, 6, 5, 1}, {2, 3, 1, 2}, {.strides = {2, 1}, .padding = Padding::same}, true},  // same + stride
      {{1, 6, 6, 2}, {2, 2, 2, 1}, {.dilation = {2, 2}}, true},                           // dilation 2
      {{1, 5, 4, 1}, {3, 2, 1, 1}, {.padding = Padding::same, .dilation = {2, 1}}, false},
      {{2, 3, 3, 3}, {1, 1, 3, 2}, {}, true},  // pointwise
      {{1, 1, 1, 1}, {1, 1, 1, 1}, {}, true},  // everything 1
  };
  for (const auto& c : cases) {
    std::vector<Tensor> in = {random_double(c.x, gen), random_double(c.kernel, gen)};
    if (c.bias) in.push_back(random_double({c.kernel[3]}, gen));
    const Conv2dOptions o = c.options;
    auto f = [o](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t.size() > 2 ? t[2] : Tensor(), o); };
    EXPECT_TRUE(gradcheck(f, in)) << "x " << shape_str(c.x) << " kernel " << shape_str(c.kernel);
  }
}

TEST_P(GradcheckConv, StridedInputs) {
  Generator gen(5);
  auto f = [](const std::vector<Tensor>& t) { return conv2d(t[0], t[1], t[2], {.padding = Padding::same}); };
  // x as a transposed view (H and W swapped) and a step-2 slice of a wider image.
  EXPECT_TRUE(gradcheck(f, {random_double({1, 5, 4, 2}, gen).transpose(1, 2), random_double({2, 2, 2, 2}, gen),
                            random_double({2}, gen)}));
  EXPECT_TRUE(gradcheck(f, {random_double({1, 4, 8, 1}, gen).slice(2, 0, 8, 2), random_double({3, 3, 1, 2}, gen),
                            random_double({2}, gen)}));
}

INSTANTIATE_TEST_SUITE_P(Kernels, GradcheckConv, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "reference" : "optimized"; });

}  // namespace
}  // namespace deepfin
