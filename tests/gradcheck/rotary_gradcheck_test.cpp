// rotary_embedding: float64 gradient checks, a hand-computed rotation, the
// relative-position property that makes left padding harmless, and its errors.
#include <cmath>

#include "deepfin/ops/linalg.h"
#include "deepfin/ops/rotary.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::gradcheck;
using testing::random_double;

TEST(GradcheckRotary, SharedAndPerRowPositions) {
  Generator gen(81);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return rotary_embedding(in[0], position_range(3, 4)); },
                        {random_double({2, 3, 4, 6}, gen)}));
  const Tensor rows = from_vector(std::vector<int64_t>{0, 1, 2, 5, 9, 11}, {2, 3});
  EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return rotary_embedding(in[0], rows, 100.0); },
                        {random_double({2, 2, 3, 4}, gen)}));
}

// D = 4: pairs (x0, x2) and (x1, x3) turn by p and p / 100 (base 10000, i = 0, 1).
TEST(Rotary, RotatesEachPairByItsAngle) {
  const Tensor x = from_vector(std::vector<double>{1, 2, 3, 4}, {1, 1, 1, 4});
  const double p = 2.0, a0 = p, a1 = p / 100.0;
  const std::vector<double> expected = {1 * std::cos(a0) - 3 * std::sin(a0), 2 * std::cos(a1) - 4 * std::sin(a1),
                                        3 * std::cos(a0) + 1 * std::sin(a0), 4 * std::cos(a1) + 2 * std::sin(a1)};
  EXPECT_TRUE(all_close(rotary_embedding(x, position_range(2, 1)), from_vector(expected, {1, 1, 1, 4}), 1e-12, 0));
}

TEST(Rotary, ScoresDependOnlyOnTheDistanceBetweenPositions) {
  Generator gen(82);
  const Tensor q = random_double({1, 1, 3, 8}, gen), k = random_double({1, 1, 3, 8}, gen);
  auto scores = [&](int64_t shift) {
    return matmul(rotary_embedding(q, position_range(shift, 3)),
                  rotary_embedding(k, position_range(shift, 3)).transpose(2, 3));
  };
  EXPECT_TRUE(all_close(scores(7), scores(0), 1e-10, 1e-10));
}

TEST(Rotary, BadArgumentsAreNamed) {
  Generator gen(83);
  const Tensor x = random_double({1, 2, 3, 4}, gen);
  EXPECT_THROW(rotary_embedding(random_double({2, 3, 4}, gen), position_range(0, 3)), ShapeError);
  EXPECT_THROW(rotary_embedding(random_double({1, 2, 3, 5}, gen), position_range(0, 3)), ShapeError);
  EXPECT_THROW(rotary_embedding(x, position_range(0, 4)), ShapeError);
  EXPECT_THROW(rotary_embedding(x, zeros({3})), ValueError);
  EXPECT_THROW(rotary_embedding(x, position_range(0, 3), 1.0), ValueError);
}

}  // namespace
}  // namespace deepfin
