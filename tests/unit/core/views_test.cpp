#include <gtest/gtest.h>

#include "deepfin/core/tensor.h"

namespace deepfin {
namespace {

Tensor iota(const Shape& shape) {
  std::vector<double> v(shape_numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return from_vector(v, shape);
}

TEST(Views, ReshapeSharesStorageAndInfersAxis) {
  Tensor t = iota({2, 3, 4});
  Tensor r = t.reshape({4, -1});
  EXPECT_EQ(r.shape(), (Shape{4, 6}));
  EXPECT_EQ(r.storage(), t.storage());
  EXPECT_EQ(r.at({3, 5}), 23);
  EXPECT_THROW(t.reshape({5, -1}), ShapeError);
  EXPECT_THROW(t.reshape({-1, -1}), ShapeError);
}

TEST(Views, ReshapeOfTransposedCopiesOnlyWhenNeeded) {
  Tensor t = iota({2, 3, 4});
  Tensor p = t.permute({1, 0, 2});  // (3, 2, 4): last axis still contiguous
  Tensor merged_last = p.reshape({3, 2, 2, 2});
  EXPECT_EQ(merged_last.storage(), t.storage());
  Tensor copied = p.reshape({24});
  EXPECT_NE(copied.storage(), t.storage());
  std::vector<double> expected;
  for (int64_t j = 0; j < 3; ++j)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t k = 0; k < 4; ++k) expected.push_back(i * 12 + j * 4 + k);
  EXPECT_EQ(copied.to_vector<double>(), expected);
  EXPECT_EQ(merged_last.to_vector<double>(), expected);
}

TEST(Views, PermuteTransposeAndContiguous) {
  Tensor t = iota({2, 3});
  Tensor tt = t.transpose(0, 1);
  EXPECT_EQ(tt.shape(), (Shape{3, 2}));
  EXPECT_FALSE(tt.is_contiguous());
  EXPECT_EQ(tt.at({2, 1}), 5);
  Tensor c = tt.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.to_vector<double>(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  EXPECT_THROW(t.permute({0, 0}), IndexError);
  EXPECT_THROW(t.permute({0}), ShapeError);
}

TEST(Views, SliceSelectSqueezeUnsqueeze) {
  Tensor t = iota({4, 5});
  Tensor s = t.slice(1, 1, 5, 2);
  EXPECT_EQ(s.shape(), (Shape{4, 2}));
  EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{1, 3, 6, 8, 11, 13, 16, 18}));
  EXPECT_EQ(t.slice(0, -2, 100).shape(), (Shape{2, 5}));
  EXPECT_EQ(t.select(0, -1).to_vector<double>(), (std::vector<double>{15, 16, 17, 18, 19}));
  EXPECT_EQ(t.unsqueeze(1).shape(), (Shape{4, 1, 5}));
  EXPECT_EQ(t.unsqueeze(-1).shape(), (Shape{4, 5, 1}));
  EXPECT_EQ(t.unsqueeze(1).squeeze(1).shape(), (Shape{4, 5}));
  EXPECT_THROW(t.squeeze(0), ShapeError);
  EXPECT_THROW(t.select(1, 5), IndexError);
  EXPECT_THROW(t.slice(2, 0, 1), IndexError);
}

TEST(Views, BroadcastToUsesZeroStrides) {
  Tensor t = iota({3, 1});
  Tensor b = t.broadcast_to({2, 3, 4});
  EXPECT_EQ(b.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(b.strides()[0], 0);
  EXPECT_EQ(b.at({1, 2, 3}), 2);
  try {
    t.broadcast_to({2, 4});
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("(3, 1)"), std::string::npos) << e.what();
  }
}

TEST(Views, WritesThroughViewsReachTheBase) {
  Tensor t = zeros({2, 3});
  Tensor v = t.transpose(0, 1);
  v.set({2, 1}, 7);
  EXPECT_EQ(t.at({1, 2}), 7);
}

TEST(Views, CastsBetweenDtypes) {
  Tensor t = from_vector(std::vector<double>{1.5, -2.5, 3}, {3});
  EXPECT_EQ(t.to(DType::float32).dtype(), DType::float32);
  EXPECT_EQ(t.to(DType::int64).to_vector<int64_t>(), (std::vector<int64_t>{1, -2, 3}));
}

TEST(Views, SumToShapeAndAddInto) {
  Tensor g = iota({2, 3});
  EXPECT_EQ(sum_to_shape(g, {3}).to_vector<double>(), (std::vector<double>{3, 5, 7}));
  EXPECT_EQ(sum_to_shape(g, {2, 1}).to_vector<double>(), (std::vector<double>{3, 12}));
  EXPECT_EQ(sum_to_shape(g, {}).item(), 15);
  EXPECT_THROW(sum_to_shape(g, {4}), ShapeError);
  Tensor dst = ones({2, 3}, DType::float64);
  add_into(dst, from_vector(std::vector<double>{1, 2, 3}, {3}));
  EXPECT_EQ(dst.to_vector<double>(), (std::vector<double>{2, 3, 4, 2, 3, 4}));
}

}  // namespace
}  // namespace deepfin
