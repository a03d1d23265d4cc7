// linear forward against matmul + bias computed element by element, the seed
// CNN's dense shape in float32 against float64, and its errors.
#include <gtest/gtest.h>

#include "deepfin/ops/linalg.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

Tensor oracle_linear(const Tensor& x, const Tensor& W, const Tensor& b) {
  const Tensor x2 = x.reshape({-1, W.size(0)});
  Tensor out = zeros({x2.size(0), W.size(1)}, DType::float64);
  for (int64_t r = 0; r < x2.size(0); ++r)
    for (int64_t j = 0; j < W.size(1); ++j) {
      double acc = b.defined() ? b.at({j}) : 0.0;
      for (int64_t p = 0; p < W.size(0); ++p) acc += x2.at({r, p}) * W.at({p, j});
      out.set({r, j}, acc);
    }
  Shape shape = x.shape();
  shape.back() = W.size(1);
  return out.reshape(shape);
}

TEST(Linear, MatchesOracle) {
  Generator gen(1);
  auto r = [&](const Shape& s) { return rand_uniform(s, -1, 1, DType::float64, &gen); };
  for (const Shape& xs : {Shape{4, 3}, Shape{2, 5, 3}, Shape{3}, Shape{1, 3}}) {
    const Tensor x = r(xs), W = r({3, 6}), b = r({6});
    EXPECT_TRUE(all_close(linear(x, W, b), oracle_linear(x, W, b))) << shape_str(xs);
    EXPECT_TRUE(all_close(linear(x, W), oracle_linear(x, W, Tensor()))) << shape_str(xs);
  }
  // Transposed weight view.
  const Tensor x = r({4, 3}), Wt = r({6, 3}).transpose(0, 1), b = r({6});
  EXPECT_TRUE(all_close(linear(x, Wt, b), oracle_linear(x, Wt, b)));
}

TEST(Linear, SeedCnnDenseShapeFloat32) {
  Generator gen(2);
  const Tensor x = rand_uniform({32, 5408}, 0, 1, DType::float32, &gen);
  const Tensor W = rand_uniform({5408, 10}, -0.03, 0.03, DType::float32, &gen);
  const Tensor b = rand_uniform({10}, -1, 1, DType::float32, &gen);
  const Tensor expected = linear(x.to(DType::float64), W.to(DType::float64), b.to(DType::float64));
  EXPECT_TRUE(all_close(linear(x, W, b).to(DType::float64), expected, 1e-4, 1e-4));
}

TEST(Linear, BadInputThrows) {
  auto expect_shape_error = [](const std::function<void()>& f) {
    try {
      f();
      FAIL() << "no exception";
    } catch (const ShapeError& e) {
      EXPECT_NE(std::string(e.what()).find("linear"), std::string::npos) << e.what();
    }
  };
  expect_shape_error([] { linear(zeros({2, 3}), zeros({4, 5})); });
  expect_shape_error([] { linear(zeros({2, 3}), zeros({3})); });
  expect_shape_error([] { linear(zeros({2, 3}), zeros({3, 5}), zeros({4})); });
  EXPECT_THROW(linear(zeros({2, 3}, DType::int64), zeros({3, 5}, DType::int64)), DTypeError);
  EXPECT_THROW(linear(zeros({2, 3}), zeros({3, 5}), zeros({5}, DType::float64)), DTypeError);
}

}  // namespace
}  // namespace deepfin
