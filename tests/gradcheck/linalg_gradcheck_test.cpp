// float64 central-difference gradient checks for matmul and linear: 2-D,
// batched, broadcast batch axes, 1-D promotion and strided (transposed,
// step-2 sliced) inputs.
#include <gtest/gtest.h>

#include "deepfin/ops/linalg.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

Tensor mm(const std::vector<Tensor>& in) {
  return matmul(in[0], in[1]);
}

struct MatmulCase {
  Shape a, b;
};

TEST(GradcheckLinalg, MatmulShapes) {
  Generator gen(1);
  const std::vector<MatmulCase> cases = {
      {{3, 4}, {4, 2}},           // 2-D
      {{1, 1}, {1, 1}},           // all ones
      {{2, 3, 4}, {2, 4, 5}},     // batched
      {{2, 1, 3, 2}, {3, 2, 4}},  // broadcast batch, b has fewer axes
      {{2, 3, 4}, {4, 2}},        // shared b (one tall GEMM)
      {{4}, {4, 3}},              // 1-D a
      {{3, 4}, {4}},              // 1-D b
      {{4}, {4}},                 // dot product
      {{5}, {2, 5, 3}},           // 1-D a against a batch
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(gradcheck(mm, {random_double(c.a, gen), random_double(c.b, gen)}))
        << shape_str(c.a) << " @ " << shape_str(c.b);
  }
}

TEST(GradcheckLinalg, MatmulStridedInputs) {
  Generator gen(2);
  // Transposed views become GEMM transpose flags.
  EXPECT_TRUE(gradcheck(mm, {random_double({4, 3}, gen).transpose(0, 1), random_double({2, 4}, gen).transpose(0, 1)}));
  // Batched transposed view.
  EXPECT_TRUE(gradcheck(mm, {random_double({2, 4, 3}, gen).transpose(1, 2), random_double({2, 4, 2}, gen)}));
  // Step-2 slices have no unit stride and are copied.
  EXPECT_TRUE(
      gradcheck(mm, {random_double({3, 8}, gen).slice(1, 0, 8, 2), random_double({4, 6}, gen).slice(1, 1, 6, 2)}));
  // Batch axis sliced with a step: batch offsets follow the strides.
  EXPECT_TRUE(gradcheck(mm, {random_double({4, 2, 3}, gen).slice(0, 0, 4, 2), random_double({3, 2}, gen)}));
}

TEST(GradcheckLinalg, LinearWithAndWithoutBias) {
  Generator gen(3);
  auto with_bias = [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); };
  auto without_bias = [](const std::vector<Tensor>& in) { return linear(in[0], in[1]); };
  for (const Shape& x : {Shape{5, 3}, Shape{2, 3, 3}, Shape{3}, Shape{1, 3}}) {
    EXPECT_TRUE(gradcheck(with_bias, {random_double(x, gen), random_double({3, 4}, gen), random_double({4}, gen)}))
        << shape_str(x);
    EXPECT_TRUE(gradcheck(without_bias, {random_double(x, gen), random_double({3, 2}, gen)})) << shape_str(x);
  }
  // Strided x and a transposed W.
  EXPECT_TRUE(gradcheck(with_bias, {random_double({3, 5}, gen).transpose(0, 1),
                                    random_double({4, 3}, gen).transpose(0, 1), random_double({4}, gen)}));
}

}  // namespace
}  // namespace deepfin
