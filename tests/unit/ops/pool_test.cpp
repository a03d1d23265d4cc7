// Pooling forward against a direct oracle over clipped windows, Keras rules
// (padding excluded from averages, strides default to pool size), global pools,
// and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "deepfin/ops/pooling.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

Tensor oracle_pool(const Tensor& x, const Pool2dOptions& o, bool is_max) {
  const int64_t N = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
  const int64_t sh = o.strides[0] ? o.strides[0] : o.pool_size[0], sw = o.strides[1] ? o.strides[1] : o.pool_size[1];
  const int64_t OH = conv_output_size(H, o.pool_size[0], sh, 1, o.padding);
  const int64_t OW = conv_output_size(W, o.pool_size[1], sw, 1, o.padding);
  const int64_t pt = conv_pad_before(H, o.pool_size[0], sh, 1, o.padding);
  const int64_t pl = conv_pad_before(W, o.pool_size[1], sw, 1, o.padding);
  Tensor out = zeros({N, OH, OW, C}, DType::float64);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t c = 0; c < C; ++c) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          int64_t count = 0;
          for (int64_t i = 0; i < o.pool_size[0]; ++i)
            for (int64_t j = 0; j < o.pool_size[1]; ++j) {
              const int64_t h = oh * sh - pt + i, w = ow * sw - pl + j;
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              best = std::max(best, x.at({n, h, w, c}));
              sum += x.at({n, h, w, c});
              ++count;
            }
          out.set({n, oh, ow, c}, is_max ? best : sum / count);
        }
  return out;
}

TEST(Pool2d, MatchesOracle) {
  Generator gen(1);
  const std::vector<std::pair<Shape, Pool2dOptions>> cases = {
      {{2, 26, 26, 32}, {}},  // the seed CNN's pooling layer
      {{1, 5, 7, 3}, {.padding = Padding::same}},
      {{2, 7, 6, 2}, {.pool_size = {3, 2}, .strides = {2, 1}}},
      {{1, 6, 6, 4}, {.pool_size = {3, 3}, .strides = {2, 2}, .padding = Padding::same}},
      {{1, 1, 1, 1}, {.pool_size = {1, 1}}},
  };
  for (const auto& [shape, o] : cases) {
    const Tensor x = rand_uniform(shape, -1, 1, DType::float32, &gen);
    EXPECT_TRUE(all_close(max_pool2d(x, o).to(DType::float64), oracle_pool(x, o, true))) << shape_str(shape);
    EXPECT_TRUE(all_close(avg_pool2d(x, o).to(DType::float64), oracle_pool(x, o, false))) << shape_str(shape);
  }
}

TEST(Pool2d, StridesDefaultToPoolSize) {
  EXPECT_EQ(max_pool2d(zeros({2, 26, 26, 32})).shape(), (Shape{2, 13, 13, 32}));
  EXPECT_EQ(avg_pool2d(zeros({1, 7, 7, 1}), {.pool_size = {3, 3}}).shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(avg_pool2d(zeros({1, 7, 7, 1}), {.pool_size = {3, 3}, .padding = Padding::same}).shape(),
            (Shape{1, 3, 3, 1}));
}

TEST(Pool2d, SameAverageLeavesPaddingOut) {
  // A constant image averages to the same constant everywhere, borders included.
  const Tensor y =
      avg_pool2d(full({1, 5, 5, 2}, 3.0), {.pool_size = {3, 3}, .strides = {2, 2}, .padding = Padding::same});
  EXPECT_TRUE(all_close(y, full(y.shape(), 3.0)));
  // Negative values with max: padding must not win as a zero.
  const Tensor m = max_pool2d(full({1, 3, 3, 1}, -2.0), {.padding = Padding::same});
  EXPECT_TRUE(all_close(m, full(m.shape(), -2.0)));
}

TEST(Pool2d, GlobalPools) {
  Generator gen(2);
  const Tensor x = rand_uniform({3, 4, 5, 6}, -1, 1, DType::float64, &gen);
  const Tensor avg = global_avg_pool2d(x), mx = global_max_pool2d(x);
  ASSERT_EQ(avg.shape(), (Shape{3, 6}));
  ASSERT_EQ(mx.shape(), (Shape{3, 6}));
  for (int64_t n = 0; n < 3; ++n)
    for (int64_t c = 0; c < 6; ++c) {
      double sum = 0, best = -1e9;
      for (int64_t h = 0; h < 4; ++h)
        for (int64_t w = 0; w < 5; ++w) sum += x.at({n, h, w, c}), best = std::max(best, x.at({n, h, w, c}));
      EXPECT_NEAR(avg.at({n, c}), sum / 20, 1e-12);
      EXPECT_EQ(mx.at({n, c}), best);
    }
}

TEST(Pool2d, BadInputThrows) {
  auto expect_named = [](const std::function<void()>& f, const std::string& op) {
    try {
      f();
      FAIL() << "no exception";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();
    }
  };
  EXPECT_THROW(max_pool2d(zeros({4, 4, 1})), ShapeError);
  expect_named([] { max_pool2d(zeros({4, 4, 1})); }, "max_pool2d");
  EXPECT_THROW(avg_pool2d(zeros({1, 2, 2, 1}), {.pool_size = {3, 3}}), ValueError);
  expect_named([] { avg_pool2d(zeros({1, 2, 2, 1}), {.pool_size = {3, 3}}); }, "avg_pool2d");
  EXPECT_THROW(max_pool2d(zeros({1, 4, 4, 1}), {.pool_size = {0, 2}}), ValueError);
  EXPECT_THROW(max_pool2d(zeros({1, 4, 4, 1}, DType::int64)), DTypeError);
  expect_named([] { avg_pool2d(zeros({1, 4, 4, 1}, DType::int64)); }, "avg_pool2d");
  EXPECT_THROW(global_avg_pool2d(zeros({2, 3})), ShapeError);
  expect_named([] { global_max_pool2d(zeros({2, 3})); }, "global_max_pool2d");
}

}  // namespace
}  // namespace deepfin
