// concat / stack / split / gather / embedding / one_hot: values against
// hand-computed cases, gradients of repeated indices, and bad input.
#include "deepfin/ops/shape_ops.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops_test_util.h"

namespace deepfin {
namespace {

Tensor iota(const Shape& shape, double start = 0) {
  std::vector<double> v(shape_numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = start + static_cast<double>(i);
  return from_vector(v, shape);
}

using testing::expect_error;

TEST(ShapeOps, ConcatAlongEachAxis) {
  Tensor a = iota({2, 2});      // [[0,1],[2,3]]
  Tensor b = iota({2, 1}, 10);  // [[10],[11]]
  Tensor c = iota({1, 2}, 20);  // [[20,21]]
  Tensor rows = concat({a, c}, 0);
  EXPECT_EQ(rows.shape(), (Shape{3, 2}));
  EXPECT_EQ(rows.to_vector<double>(), (std::vector<double>{0, 1, 2, 3, 20, 21}));
  Tensor cols = concat({a, b}, -1);
  EXPECT_EQ(cols.shape(), (Shape{2, 3}));
  EXPECT_EQ(cols.to_vector<double>(), (std::vector<double>{0, 1, 10, 2, 3, 11}));
}

TEST(ShapeOps, ConcatReadsStridedInputsAndInt64) {
  Tensor t = iota({2, 3}).transpose(0, 1);  // [[0,3],[1,4],[2,5]]
  Tensor out = concat({t, iota({1, 2}, 7)}, 0);
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{0, 3, 1, 4, 2, 5, 7, 8}));
  Tensor ids = concat({from_vector(std::vector<int64_t>{1, 2}, {2}), from_vector(std::vector<int64_t>{3}, {1})}, 0);
  EXPECT_EQ(ids.dtype(), DType::int64);
  EXPECT_EQ(ids.to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 3}));
}

TEST(ShapeOps, ConcatBackwardSplitsTheGradient) {
  Tensor a = iota({2, 2}).set_requires_grad();
  Tensor b = iota({2, 1}).set_requires_grad();
  Tensor out = concat({a, b}, 1);
  out.backward(iota({2, 3}, 1));  // [[1,2,3],[4,5,6]]
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{1, 2, 4, 5}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{3, 6}));
}

TEST(ShapeOps, ConcatBadInput) {
  expect_error<ShapeError>([] { concat({iota({2, 3}), iota({3, 2})}, 0); }, {"concat", "(2, 3)", "(3, 2)"});
  expect_error<ShapeError>([] { concat({iota({2, 3}), iota({2})}, 0); }, {"concat", "(2, 3)", "(2,)"});
  expect_error<IndexError>([] { concat({iota({2, 3})}, 2); }, {"concat", "2"});
  expect_error<DTypeError>(
      [] {
        concat({iota({2}), from_vector(std::vector<int64_t>{1}, {1})}, 0);
      },
      {"concat", "int64", "float64"});
  expect_error<ValueError>([] { concat({}, 0); }, {"concat"});
}

TEST(ShapeOps, StackAddsAnAxis) {
  Tensor a = iota({2}), b = iota({2}, 5);
  Tensor s0 = stack({a, b}, 0);
  EXPECT_EQ(s0.shape(), (Shape{2, 2}));
  EXPECT_EQ(s0.to_vector<double>(), (std::vector<double>{0, 1, 5, 6}));
  Tensor s1 = stack({a, b}, -1);
  EXPECT_EQ(s1.shape(), (Shape{2, 2}));
  EXPECT_EQ(s1.to_vector<double>(), (std::vector<double>{0, 5, 1, 6}));
  expect_error<ShapeError>([] { stack({iota({2}), iota({3})}, 0); }, {"stack", "(2,)", "(3,)"});
  expect_error<IndexError>([] { stack({iota({2}), iota({2})}, 3); }, {"stack"});
}

TEST(ShapeOps, SplitGivesViews) {
  Tensor x = iota({2, 5});
  auto pieces = split(x, std::vector<int64_t>{2, 3}, 1);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].shape(), (Shape{2, 2}));
  EXPECT_EQ(pieces[1].to_vector<double>(), (std::vector<double>{2, 3, 4, 7, 8, 9}));
  EXPECT_EQ(pieces[1].storage(), x.storage());
  auto halves = split(iota({4, 1}), 2, 0);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(halves[1].to_vector<double>(), (std::vector<double>{2, 3}));
}

TEST(ShapeOps, SplitBadInput) {
  expect_error<ShapeError>([] { split(iota({2, 5}), std::vector<int64_t>{2, 2}, 1); }, {"split", "(2, 5)", "4"});
  expect_error<ShapeError>([] { split(iota({2, 5}), 2, 1); }, {"split", "(2, 5)"});
  expect_error<ValueError>([] { split(iota({2, 5}), 0, 1); }, {"split"});
  expect_error<ValueError>([] { split(iota({2, 5}), std::vector<int64_t>{-1, 6}, 1); }, {"split"});
  expect_error<IndexError>([] { split(iota({2, 5}), 1, -3); }, {"split"});
}

TEST(ShapeOps, GatherFollowsNumpyTake) {
  Tensor x = iota({2, 3});  // [[0,1,2],[3,4,5]]
  Tensor idx = from_vector(std::vector<int64_t>{2, 0, 2, 1}, {2, 2});
  Tensor g1 = gather(x, idx, 1);
  EXPECT_EQ(g1.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(g1.to_vector<double>(), (std::vector<double>{2, 0, 2, 1, 5, 3, 5, 4}));
  Tensor g0 = gather(x, from_vector(std::vector<int64_t>{1}, {1}), 0);
  EXPECT_EQ(g0.to_vector<double>(), (std::vector<double>{3, 4, 5}));
  Tensor scalar_index = gather(x, from_vector(std::vector<int64_t>{2}, {}), -1);
  EXPECT_EQ(scalar_index.shape(), (Shape{2}));
  EXPECT_EQ(scalar_index.to_vector<double>(), (std::vector<double>{2, 5}));
}

TEST(ShapeOps, GatherBackwardAddsRepeatedIndices) {
  Tensor x = iota({3, 2}).set_requires_grad();
  Tensor out = gather(x, from_vector(std::vector<int64_t>{0, 2, 0, 0}, {4}), 0);
  out.backward(ones(out.shape(), DType::float64));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{3, 3, 0, 0, 1, 1}));
}

TEST(ShapeOps, GatherBadInput) {
  Tensor x = iota({2, 3});
  expect_error<IndexError>(
      [&] {
        gather(x, from_vector(std::vector<int64_t>{0, 3}, {2}), 1);
      },
      {"gather", "3", "[1]", "[0, 3)"});
  expect_error<IndexError>([&] { gather(x, from_vector(std::vector<int64_t>{-1}, {1}), 0); }, {"gather", "-1"});
  expect_error<DTypeError>([&] { gather(x, iota({2}), 0); }, {"gather", "int64"});
  expect_error<IndexError>([&] { gather(x, from_vector(std::vector<int64_t>{0}, {1}), 2); }, {"gather"});
}

TEST(ShapeOps, EmbeddingLooksUpRows) {
  Tensor table = iota({4, 2});
  Tensor ids = from_vector(std::vector<int64_t>{3, 0, 3}, {1, 3});
  Tensor out = embedding(table, ids);
  EXPECT_EQ(out.shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{6, 7, 0, 1, 6, 7}));
  expect_error<ShapeError>([&] { embedding(iota({8}), ids); }, {"embedding", "(8,)"});
  expect_error<IndexError>([&] { embedding(table, from_vector(std::vector<int64_t>{4}, {1})); },
                           {"embedding", "4", "[0, 4)"});
}

TEST(ShapeOps, OneHot) {
  Tensor labels = from_vector(std::vector<int64_t>{2, 0, 1, 2}, {2, 2});
  Tensor oh = one_hot(labels, 3);
  EXPECT_EQ(oh.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(oh.dtype(), DType::float32);
  EXPECT_EQ(oh.to_vector<double>(), (std::vector<double>{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(one_hot(labels, 3, DType::int64).to_vector<int64_t>()[2], 1);
  EXPECT_FALSE(one_hot(labels, 3, DType::float64).requires_grad());
}

TEST(ShapeOps, OneHotBadLabels) {
  Tensor labels = from_vector(std::vector<int64_t>{2, 0, 5, 1}, {2, 2});
  expect_error<IndexError>([&] { one_hot(labels, 3); }, {"one_hot", "5", "[1, 0]", "[0, 3)"});
  expect_error<IndexError>([&] { one_hot(from_vector(std::vector<int64_t>{-2}, {1}), 3); }, {"one_hot", "-2", "[0]"});
  expect_error<DTypeError>([&] { one_hot(iota({2}), 3); }, {"one_hot"});
  expect_error<ValueError>([&] { one_hot(labels, 0); }, {"one_hot"});
}

}  // namespace
}  // namespace deepfin
