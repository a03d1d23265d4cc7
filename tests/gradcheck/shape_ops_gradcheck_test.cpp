// Float64 central-difference gradient checks for concat, stack, split, gather and
// embedding, incl. strided inputs (transposed, step-2 slices) and repeated indices.
#include <string>
#include <vector>

#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

Tensor ids(std::vector<int64_t> v, const Shape& s) {
  return from_vector(v, s);
}

TEST(GradcheckShapeOps, ConcatAlongEachAxis) {
  Generator gen(1);
  for (int64_t axis : {0, 1, -1}) {
    Shape a{2, 3, 2}, b{2, 3, 2}, c{2, 3, 2};
    const int64_t ax = axis < 0 ? 2 : axis;
    b[ax] = 1;
    c[ax] = 3;
    auto f = [axis](const std::vector<Tensor>& in) { return concat(in, axis); };
    EXPECT_TRUE(gradcheck(f, {random_double(a, gen), random_double(b, gen), random_double(c, gen)})) << axis;
  }
}

TEST(GradcheckShapeOps, ConcatOfStridedViews) {
  Generator gen(2);
  Tensor transposed = random_double({3, 2}, gen).transpose(0, 1);  // (2, 3), non-contiguous
  Tensor stepped = random_double({2, 8}, gen).slice(1, 0, 8, 2);   // (2, 4), step 2
  auto f = [](const std::vector<Tensor>& in) { return concat(in, 1); };
  EXPECT_TRUE(gradcheck(f, {transposed, stepped}));
}

TEST(GradcheckShapeOps, Stack) {
  Generator gen(3);
  for (int64_t axis : {0, 1, 2, -1}) {
    auto f = [axis](const std::vector<Tensor>& in) { return stack(in, axis); };
    EXPECT_TRUE(gradcheck(f, {random_double({2, 3}, gen), random_double({3, 2}, gen).transpose(0, 1)})) << axis;
  }
}

TEST(GradcheckShapeOps, SplitPieces) {
  Generator gen(4);
  Tensor x = random_double({3, 5}, gen);
  for (int k = 0; k < 3; ++k) {
    auto f = [k](const std::vector<Tensor>& in) { return split(in[0], std::vector<int64_t>{1, 3, 1}, 1)[k]; };
    EXPECT_TRUE(gradcheck(f, {x})) << "piece " << k;
  }
  auto g = [](const std::vector<Tensor>& in) { return split(in[0], 3, 0)[2]; };
  EXPECT_TRUE(gradcheck(g, {random_double({5, 3}, gen).transpose(0, 1)}));
}

TEST(GradcheckShapeOps, GatherSeveralAxesWithRepeats) {
  Generator gen(5);
  Tensor idx = ids({1, 0, 1, 1, 2, 0}, {2, 3});  // repeated ids: the backward must add them up
  for (int64_t axis : {0, 1, -1}) {
    auto f = [idx, axis](const std::vector<Tensor>& in) { return gather(in[0], idx, axis); };
    EXPECT_TRUE(gradcheck(f, {random_double({3, 3, 3}, gen)})) << axis;
  }
  // Strided input, 0-d index.
  auto f = [](const std::vector<Tensor>& in) { return gather(in[0], ids({2}, {}), 0); };
  EXPECT_TRUE(gradcheck(f, {random_double({2, 3}, gen).transpose(0, 1)}));
}

TEST(GradcheckShapeOps, Embedding) {
  Generator gen(6);
  Tensor token_ids = ids({4, 0, 4, 2, 2, 2, 1, 4}, {2, 4});
  auto f = [token_ids](const std::vector<Tensor>& in) { return embedding(in[0], token_ids); };
  EXPECT_TRUE(gradcheck(f, {random_double({5, 3}, gen)}));
  EXPECT_TRUE(gradcheck(f, {random_double({3, 5}, gen).transpose(0, 1)}));
}

}  // namespace
}  // namespace deepfin
