// Float64 gradient checks of the rms_norm op: dx and dgamma, with and without
// the scale, on contiguous and strided inputs.
#include "deepfin/ops/normalization.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

TEST(GradcheckRmsNorm, InputAndScale) {
  Generator gen(71);
  for (const Shape& shape : {Shape{5}, Shape{3, 4}, Shape{2, 3, 7}}) {
    EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-6); },
                          {random_double(shape, gen, -2, 2), random_double({shape.back()}, gen, 0.5, 1.5)}))
        << shape_str(shape);
  }
}

TEST(GradcheckRmsNorm, WithoutScaleAndStrided) {
  Generator gen(72);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rms_norm(in[0]); }, {random_double({3, 6}, gen)}));
  const Tensor permuted = random_double({5, 2, 3}, gen, -2, 2).permute({1, 2, 0});
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-3); },
                        {permuted, random_double({5}, gen, 0.5, 1.5)}));
}

TEST(RmsNorm, RowsHaveUnitRootMeanSquareAndBadArgumentsAreNamed) {
  Generator gen(73);
  const Tensor y = rms_norm(random_double({4, 8}, gen, -3, 3), {}, 1e-12);
  const std::vector<double> v = y.to_vector<double>();
  for (int r = 0; r < 4; ++r) {
    double squares = 0;
    for (int c = 0; c < 8; ++c) squares += v[r * 8 + c] * v[r * 8 + c];
    EXPECT_NEAR(squares / 8, 1.0, 1e-9);
  }
  EXPECT_THROW(rms_norm(random_double({2, 3}, gen), random_double({4}, gen)), ShapeError);
  EXPECT_THROW(rms_norm(random_double({2, 3}, gen), {}, 0.0), ValueError);
}

}  // namespace
}  // namespace deepfin
