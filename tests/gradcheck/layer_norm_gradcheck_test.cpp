// Float64 gradient checks of the fused layer_norm op: dx, dgamma and dbeta, with
// and without the affine parameters, on contiguous and strided inputs.
#include "deepfin/ops/normalization.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

TEST(GradcheckLayerNorm, InputScaleAndShift) {
  Generator gen(61);
  for (const Shape& shape : {Shape{5}, Shape{3, 4}, Shape{2, 3, 7}}) {
    const int64_t d = shape.back();
    EXPECT_TRUE(
        gradcheck([](const std::vector<Tensor>& in) { return layer_norm(in[0], in[1], in[2], 1e-5); },
                  {random_double(shape, gen, -2, 2), random_double({d}, gen, 0.5, 1.5), random_double({d}, gen)}))
        << shape_str(shape);
  }
}

TEST(GradcheckLayerNorm, WithoutScaleOrShift) {
  Generator gen(62);
  const Tensor x = random_double({3, 6}, gen, -2, 2);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return layer_norm(in[0]); }, {x}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return layer_norm(in[0], in[1], {}, 1e-3); },
                        {x, random_double({6}, gen)}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return layer_norm(in[0], {}, in[1], 1e-3); },
                        {x, random_double({6}, gen)}));
}

TEST(GradcheckLayerNorm, StridedInputs) {
  Generator gen(63);
  const Tensor permuted = random_double({5, 2, 3}, gen, -2, 2).permute({1, 2, 0});  // last axis strided
  const Tensor stepped = random_double({4, 10}, gen, -2, 2).slice(1, 0, 10, 2);
  for (const Tensor& x : {permuted, stepped}) {
    const int64_t d = x.size(-1);
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return layer_norm(in[0], in[1], in[2], 1e-5); },
                          {x, random_double({d}, gen, 0.5, 1.5), random_double({d}, gen)}));
  }
}

}  // namespace
}  // namespace deepfin
