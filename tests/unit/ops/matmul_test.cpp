// matmul forward against a direct float64 oracle: broadcasting, 1-D promotion,
// strided views, every GEMM provider; and its errors.
#include <gtest/gtest.h>

#include "deepfin/ops/linalg.h"
#include "kernels/gemm.h"
#include "ops_test_util.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

// out[..., i, j] = sum_p a[..., i, p] * b[..., p, j] with NumPy batch broadcasting, via at().
Tensor oracle_matmul(const Tensor& a, const Tensor& b) {
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  const Shape batch = broadcast_shapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                       Shape(b.shape().begin(), b.shape().end() - 2), "t");
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor out = zeros(out_shape, DType::float64);
  auto pick = [](const Tensor& x, const std::vector<int64_t>& bidx, int64_t r, int64_t c) {
    std::vector<int64_t> idx;
    const size_t skip = bidx.size() - (x.dim() - 2);
    for (size_t d = skip; d < bidx.size(); ++d) idx.push_back(x.shape()[d - skip] == 1 ? 0 : bidx[d]);
    idx.push_back(r);
    idx.push_back(c);
    return x.at(idx);
  };
  for (int64_t flat = 0; flat < shape_numel(batch); ++flat) {
    std::vector<int64_t> bidx(batch.size());
    for (int64_t d = static_cast<int64_t>(batch.size()) - 1, rem = flat; d >= 0; --d) {
      bidx[d] = rem % batch[d];
      rem /= batch[d];
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) acc += pick(a, bidx, i, p) * pick(b, bidx, p, j);
        std::vector<int64_t> idx = bidx;
        idx.push_back(i);
        idx.push_back(j);
        out.set(idx, acc);
      }
  }
  return out;
}

TEST(Matmul, MatchesOracleWithBroadcastBatches) {
  Generator gen(1);
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{3, 4}, {4, 5}}, {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {3, 4, 2}}, {{2, 7, 3}, {3, 1}},
      {{1, 1}, {1, 1}}, {{4, 1, 2}, {1, 2, 3}}, {{40, 33}, {33, 17}},
  };
  for (const auto& [as, bs] : cases) {
    const Tensor a = rand_uniform(as, -1, 1, DType::float32, &gen), b = rand_uniform(bs, -1, 1, DType::float32, &gen);
    EXPECT_TRUE(all_close(matmul(a, b).to(DType::float64), oracle_matmul(a.to(DType::float64), b.to(DType::float64))))
        << shape_str(as) << " @ " << shape_str(bs);
  }
}

TEST(Matmul, OneDimensionalPromotion) {
  Generator gen(2);
  auto r = [&](const Shape& s) { return rand_uniform(s, -1, 1, DType::float64, &gen); };
  Tensor v = r({4}), m = r({4, 3}), w = r({3, 4}), batch = r({2, 4, 3});
  EXPECT_EQ(matmul(v, m).shape(), (Shape{3}));
  EXPECT_TRUE(all_close(matmul(v, m), matmul(v.unsqueeze(0), m).squeeze(0)));
  EXPECT_EQ(matmul(w, v).shape(), (Shape{3}));
  EXPECT_TRUE(all_close(matmul(w, v), matmul(w, v.unsqueeze(1)).squeeze(1)));
  EXPECT_EQ(matmul(v, v).shape(), (Shape{}));
  double dot = 0;
  for (int64_t i = 0; i < 4; ++i) dot += v.at({i}) * v.at({i});
  EXPECT_NEAR(matmul(v, v).item(), dot, 1e-12);
  EXPECT_EQ(matmul(v, batch).shape(), (Shape{2, 3}));
}

TEST(Matmul, StridedViewsMatchContiguousCopies) {
  Generator gen(3);
  const Tensor a = rand_uniform({5, 6}, -1, 1, DType::float32, &gen),
               b = rand_uniform({4, 6}, -1, 1, DType::float32, &gen);
  const Tensor bt = b.transpose(0, 1);  // (6, 4), column-major view
  EXPECT_TRUE(all_close(matmul(a, bt), matmul(a, bt.contiguous())));
  const Tensor sliced = a.slice(1, 0, 6, 2);  // (5, 3), stride 2
  const Tensor c = rand_uniform({3, 2}, -1, 1, DType::float32, &gen);
  EXPECT_TRUE(all_close(matmul(sliced, c), matmul(sliced.contiguous(), c)));
  const Tensor expanded = rand_uniform({1, 6}, -1, 1, DType::float32, &gen).broadcast_to({5, 6});  // row stride 0
  EXPECT_TRUE(all_close(matmul(expanded, bt), matmul(expanded.contiguous(), bt)));
}

TEST(Matmul, EveryProviderAgrees) {
  Generator gen(4);
  const Tensor a = rand_uniform({3, 17, 9}, -1, 1, DType::float32, &gen),
               b = rand_uniform({9, 33}, -1, 1, DType::float32, &gen);
  const Tensor expected = oracle_matmul(a.to(DType::float64), b.to(DType::float64));
  for (kernels::GemmProvider p : kernels::available_gemm_providers()) {
    kernels::set_gemm_provider(p);
    EXPECT_TRUE(all_close(matmul(a, b).to(DType::float64), expected)) << kernels::gemm_provider_name(p);
  }
  kernels::set_gemm_provider(kernels::GemmProvider::automatic);
}

using testing::expect_error;

TEST(Matmul, BadInputThrows) {
  const Tensor a = zeros({2, 3}), b = zeros({4, 5});
  expect_error<ShapeError>([&] { matmul(a, b); }, {"matmul", "(2, 3)", "(4, 5)"});
  expect_error<ShapeError>([&] { matmul(zeros({2, 2, 3}), zeros({3, 3, 1})); }, {"matmul", "(2, 2, 3)", "(3, 3, 1)"});
  expect_error<ShapeError>([&] { matmul(zeros({3}), zeros({4})); }, {"matmul", "(3,)", "(4,)"});
  expect_error<ShapeError>([&] { matmul(scalar_tensor(1), zeros({1})); }, {"matmul"});
  expect_error<DTypeError>([&] { matmul(zeros({2, 2}, DType::int64), zeros({2, 2}, DType::int64)); }, {"matmul"});
  expect_error<DTypeError>([&] { matmul(zeros({2, 2}), zeros({2, 2}, DType::float64)); }, {"matmul", "float64"});
}

}  // namespace
}  // namespace deepfin
