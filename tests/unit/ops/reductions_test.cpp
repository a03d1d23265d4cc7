// Reduction values against hand loops, keepdims shapes, argmax ties, var/std
// conventions, and error messages.
#include "deepfin/ops/reductions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "deepfin/ops/elementwise.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

TEST(Reductions, SumOverAxesMatchesHandLoop) {
  Generator gen(4);
  Tensor x = testing::random_double({2, 3, 4}, gen);
  Tensor s = sum(x, {0, 2});
  ASSERT_EQ(s.shape(), (Shape{3}));
  for (int64_t j = 0; j < 3; ++j) {
    double want = 0;
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t k = 0; k < 4; ++k) want += x.at({i, j, k});
    EXPECT_NEAR(s.at({j}), want, 1e-12);
  }
  EXPECT_EQ(sum(x, {0, 2}, true).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(sum(x).shape(), Shape{});
  EXPECT_EQ(sum(x, {}, true).shape(), (Shape{1, 1, 1}));
  double total = 0;
  for (double v : x.to_vector<double>()) total += v;
  EXPECT_NEAR(sum(x).item(), total, 1e-12);
  EXPECT_NEAR(mean(x).item(), total / 24, 1e-12);
}

TEST(Reductions, MeanOfArangeAndStridedInput) {
  Tensor x = arange(0, 12, 1, DType::float64).reshape({3, 4});
  EXPECT_EQ(mean(x, {1}).to_vector<double>(), (std::vector<double>{1.5, 5.5, 9.5}));
  EXPECT_EQ(mean(x, {0}).to_vector<double>(), (std::vector<double>{4, 5, 6, 7}));
  EXPECT_EQ(sum(x.transpose(0, 1), {1}).to_vector<double>(), (std::vector<double>{12, 15, 18, 21}));
  EXPECT_EQ(sum(x.slice(1, 0, 4, 2), {0}).to_vector<double>(), (std::vector<double>{12, 18}));
}

TEST(Reductions, LargeFloatSumIsAccurate) {
  // Goes through the optimized, threaded kernel.
  Tensor x = full({1000003}, 0.1, DType::float32);
  EXPECT_NEAR(sum(x).item(), 1000003 * static_cast<double>(0.1f), 1e-2);
  Tensor y = full({3, 70001}, 0.5, DType::float32);
  EXPECT_EQ(sum(y, {1}).to_vector<float>(), (std::vector<float>(3, 35000.5f)));
  EXPECT_EQ(sum(y, {0}).to_vector<float>(), (std::vector<float>(70001, 1.5f)));
}

TEST(Reductions, MaxMinArgmaxTakeFirstOnTies) {
  Tensor x = from_vector(std::vector<double>{1, 3, 3, 0, -2, -2, -2, 5}, {2, 4}).set_requires_grad();
  EXPECT_EQ(max(x, 1).to_vector<double>(), (std::vector<double>{3, 5}));
  EXPECT_EQ(min(x, 1).to_vector<double>(), (std::vector<double>{0, -2}));
  EXPECT_EQ(max(x, 0, true).shape(), (Shape{1, 4}));
  EXPECT_EQ(argmax(x, 1).to_vector<int64_t>(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(argmax(x, 0).to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 0, 1}));
  sum(max(x, 1)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 1, 0, 0, 0, 0, 0, 1}));
  x.zero_grad();
  sum(min(x, 1)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 0, 1, 1, 0, 0, 0}));
}

TEST(Reductions, VarAndStdConventions) {
  Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 2, 2, 2, 2}, {2, 4});
  // Row 0: mean 2.5, squared deviations sum 5. Row 1: constant.
  EXPECT_TRUE(all_close(var(x, {1}), from_vector(std::vector<double>{1.25, 0}, {2}), 1e-12, 0));
  EXPECT_TRUE(all_close(var(x, {1}, false, true), from_vector(std::vector<double>{5.0 / 3, 0}, {2}), 1e-12, 0));
  EXPECT_TRUE(all_close(std(x, {1}, true), from_vector(std::vector<double>{std::sqrt(1.25), 0}, {2, 1}), 1e-12, 0));
  EXPECT_NEAR(std(x, {}, false, true).item(), std::sqrt(5.5 / 7), 1e-12);  // all 8: mean 2.25, sum sq dev 5.5
}

TEST(Reductions, StdGradientOfConstantIsZeroNotNaN) {
  Tensor x = full({2, 3}, 4.0, DType::float64).set_requires_grad();
  sum(std(x, {1})).backward();
  for (double g : x.grad().to_vector<double>()) EXPECT_EQ(g, 0.0);
}

TEST(Reductions, BadAxesNameTheOp) {
  Tensor x = zeros({2, 3});
  auto expect_index_error = [](auto f, const std::string& op) {
    try {
      f();
      ADD_FAILURE() << op << " accepted a bad axis";
    } catch (const IndexError& e) {
      EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();
    }
  };
  expect_index_error([&] { sum(x, {2}); }, "sum");
  expect_index_error([&] { mean(x, {-3}); }, "mean");
  expect_index_error([&] { max(x, 5); }, "max");
  expect_index_error([&] { min(x, -3); }, "min");
  expect_index_error([&] { argmax(x, 2); }, "argmax");
  expect_index_error([&] { var(x, {7}); }, "var");
  expect_index_error([&] { std(x, {7}); }, "std");
  EXPECT_THROW(sum(x, {1, -1}), ValueError);
  EXPECT_THROW(max(zeros({2, 0}), 1), ValueError);
  EXPECT_THROW(sum(zeros({2}, DType::int64)), DTypeError);
  EXPECT_THROW(var(zeros({2}, DType::int64)), DTypeError);
}

}  // namespace
}  // namespace deepfin
