// The fused losses against closed forms computed here with <cmath>: values,
// weights, per-sample averaging, gradients, extreme logits, NaN, and bad input.
#include "deepfin/ops/losses.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "deepfin/ops/shape_ops.h"
#include "ops_test_util.h"

namespace deepfin {
namespace {

Tensor t64(std::vector<double> v, const Shape& s) {
  return from_vector(v, s);
}
Tensor ids(std::vector<int64_t> v, const Shape& s) {
  return from_vector(v, s);
}

using testing::expect_error;

// -sum_c y_c log softmax(x)_c for one row, straight from the definition.
double xent_row(const std::vector<double>& x, const std::vector<double>& y) {
  double z = 0;
  for (double v : x) z += std::exp(v);
  double l = 0;
  for (size_t c = 0; c < x.size(); ++c) l -= y[c] * std::log(std::exp(x[c]) / z);
  return l;
}

TEST(Losses, SoftmaxCrossEntropyValueWeightsAndGradient) {
  const std::vector<double> x0 = {1, 2, 3}, x1 = {0.5, -1, 0}, y0 = {0, 0, 1}, y1 = {0.2, 0.8, 0};
  const double l0 = xent_row(x0, y0), l1 = xent_row(x1, y1);
  Tensor logits = t64({1, 2, 3, 0.5, -1, 0}, {2, 3}).set_requires_grad();
  Tensor targets = t64({0, 0, 1, 0.2, 0.8, 0}, {2, 3});
  EXPECT_NEAR(softmax_cross_entropy(logits, targets).item(), (l0 + l1) / 2, 1e-12);

  Tensor w = t64({2.0, 0.5}, {2});
  Tensor loss = softmax_cross_entropy(logits, targets, w);
  EXPECT_NEAR(loss.item(), (2.0 * l0 + 0.5 * l1) / 2, 1e-12);
  loss.backward();
  // d/dx = (softmax - y) * w_i / N for targets that sum to 1.
  std::vector<double> expected;
  for (int r = 0; r < 2; ++r) {
    const auto& x = r ? x1 : x0;
    const auto& y = r ? y1 : y0;
    double z = 0;
    for (double v : x) z += std::exp(v);
    for (int c = 0; c < 3; ++c) expected.push_back((std::exp(x[c]) / z - y[c]) * (r ? 0.5 : 2.0) / 2);
  }
  auto got = logits.grad().to_vector<double>();
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-12) << i;
}

TEST(Losses, SoftmaxCrossEntropyAveragesNonBatchAxes) {
  // (N=1, T=2, C=2): the sample's loss is the mean of its two rows.
  Tensor logits = t64({0, 1, 2, -1}, {1, 2, 2});
  Tensor targets = t64({1, 0, 0, 1}, {1, 2, 2});
  const double expected = (xent_row({0, 1}, {1, 0}) + xent_row({2, -1}, {0, 1})) / 2;
  EXPECT_NEAR(softmax_cross_entropy(logits, targets).item(), expected, 1e-12);
}

TEST(Losses, ExtremeLogitsGiveFiniteClosedForms) {
  // log-sum-exp of {1000, -1000} is 1000: picking the small class costs 2000.
  Tensor logits = t64({1000, -1000, -1000, 1000}, {2, 2}).set_requires_grad();
  Tensor targets = t64({0, 1, 0, 1}, {2, 2});
  Tensor loss = softmax_cross_entropy(logits, targets);
  EXPECT_DOUBLE_EQ(loss.item(), (2000.0 + 0.0) / 2);
  loss.backward();
  EXPECT_EQ(logits.grad().to_vector<double>(), (std::vector<double>{0.5, -0.5, 0, 0}));

  Tensor sparse_logits = t64({1000, -1000}, {1, 2}).set_requires_grad();
  Tensor sparse = sparse_softmax_cross_entropy(sparse_logits, ids({1}, {1}));
  EXPECT_DOUBLE_EQ(sparse.item(), 2000.0);
  sparse.backward();
  EXPECT_EQ(sparse_logits.grad().to_vector<double>(), (std::vector<double>{1, -1}));

  // Stable sigmoid BCE: max(x,0) - x z + log1p(exp(-|x|)); gradient sigmoid(x) - z.
  Tensor x = t64({1000, -1000, 1000, -1000}, {4}).set_requires_grad();
  Tensor z = t64({0, 1, 1, 0}, {4});
  Tensor bce = sigmoid_binary_cross_entropy(x, z);
  EXPECT_DOUBLE_EQ(bce.item(), (1000.0 + 1000.0 + 0 + 0) / 4);
  bce.backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0.25, -0.25, 0, 0}));

  // float32 too: the fused kernels never form exp(1000).
  Tensor xf = from_vector(std::vector<float>{1000, -1000}, {1, 2});
  Tensor yf = from_vector(std::vector<float>{0, 1}, {1, 2});
  EXPECT_FLOAT_EQ(static_cast<float>(softmax_cross_entropy(xf, yf).item()), 2000.0f);
}

TEST(Losses, SparseMatchesDenseOneHot) {
  Tensor logits = t64({0.3, -0.2, 1.5, 0.1, 0.0, -2.0, 0.7, 0.7, 0.2}, {3, 3});
  Tensor labels = ids({2, 0, 1}, {3});
  Tensor w = t64({1.0, 0.0, 3.0}, {3});
  EXPECT_NEAR(sparse_softmax_cross_entropy(logits, labels, w).item(),
              softmax_cross_entropy(logits, one_hot(labels, 3, DType::float64), w).item(), 1e-12);
  EXPECT_NEAR(sparse_softmax_cross_entropy(logits, labels).item(),
              (xent_row({0.3, -0.2, 1.5}, {0, 0, 1}) + xent_row({0.1, 0, -2}, {1, 0, 0}) +
               xent_row({0.7, 0.7, 0.2}, {0, 1, 0})) /
                  3,
              1e-12);
}

TEST(Losses, CategoricalCrossEntropyNormalisesAndClips) {
  // Row 0 sums to 2: Keras renormalises to (0.25, 0.75). Row 1 puts 0 on the true class:
  // clipped to 1e-7, loss -log(1e-7).
  Tensor probs = t64({0.5, 1.5, 1.0, 0.0}, {2, 2});
  Tensor targets = t64({0, 1, 0, 1}, {2, 2});
  const double expected = (-std::log(0.75) - std::log(1e-7)) / 2;
  EXPECT_NEAR(categorical_cross_entropy(probs, targets).item(), expected, 1e-9);
}

TEST(Losses, BinaryCrossEntropyOnProbabilities) {
  Tensor p = t64({0.9, 0.2, 1.0, 0.0}, {2, 2});
  Tensor z = t64({1, 0, 0, 1}, {2, 2});
  const double eps = 1e-7;
  const double s0 = (-std::log(0.9) - std::log(0.8)) / 2;
  const double s1 = (-std::log(eps) - std::log(eps)) / 2;  // p = 1 and 0 clipped to 1 - eps and eps
  Tensor w = t64({1.0, 0.5}, {2});
  EXPECT_NEAR(binary_cross_entropy(p, z, w).item(), (s0 + 0.5 * s1) / 2, 1e-6);
}

TEST(Losses, RegressionLossesAverageEachSample) {
  Tensor pred = t64({1, 2, 3, 4, 0, -1}, {2, 3}).set_requires_grad();
  Tensor target = t64({1, 0, 0, 4, 2, 2}, {2, 3});
  // errors: (0, 2, 3) and (0, -2, -3)
  EXPECT_NEAR(mse_loss(pred, target).item(), ((0 + 4 + 9) / 3.0 + (0 + 4 + 9) / 3.0) / 2, 1e-12);
  EXPECT_NEAR(mae_loss(pred, target).item(), (5 / 3.0 + 5 / 3.0) / 2, 1e-12);
  // huber(delta=2.5): |e|=2 quadratic 2; |e|=3 linear 2.5*(3-1.25)=4.375.
  EXPECT_NEAR(huber_loss(pred, target, 2.5).item(), (2 + 4.375) / 3, 1e-12);
  Tensor w = t64({0.0, 2.0}, {2});
  Tensor loss = mse_loss(pred, target, w);
  EXPECT_NEAR(loss.item(), 2.0 * 13 / 3.0 / 2, 1e-12);
  loss.backward();
  // d/dpred = 2 e * w_i / (N * per_sample)
  std::vector<double> expected = {0, 0, 0, 0, 2 * -2 * 2.0 / 6, 2 * -3 * 2.0 / 6};
  auto got = pred.grad().to_vector<double>();
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(got[i], expected[i], 1e-12) << i;
}

TEST(Losses, QlikeIsZeroAtTheRealizedVarianceAndNamesANegativeTarget) {
  // log-variance forecasts of realized variances 2, 0.5 and 0 (a day without a move).
  Tensor pred = t64({std::log(2.0), 0.0, -1.0}, {3, 1}).set_requires_grad();
  Tensor target = t64({2.0, 0.5, 0.0}, {3, 1});
  // terms: 0; 0.5 - log(0.5) - 1; -1 (only s is left where y = 0).
  EXPECT_NEAR(qlike_loss(pred, target).item(), (0 + (0.5 - std::log(0.5) - 1) - 1) / 3, 1e-12);
  qlike_loss(pred, target).backward();
  const std::vector<double> g = pred.grad().to_vector<double>();
  EXPECT_NEAR(g[0], 0.0, 1e-12);
  EXPECT_NEAR(g[1], (1 - 0.5) / 3, 1e-12);
  EXPECT_NEAR(g[2], 1.0 / 3, 1e-12);
  expect_error<ValueError>(
      [] {
        qlike_loss(t64({0.0}, {1, 1}), t64({-1e-4}, {1, 1}));
      },
      {"qlike_loss", "target element 0", "-0.0001"});
}

TEST(Losses, Float32AgreesWithFloat64) {
  Tensor x64 = t64({0.3, -0.2, 1.5, 0.1, 0.0, -2.0}, {2, 3});
  Tensor y64 = t64({0, 0, 1, 1, 0, 0}, {2, 3});
  EXPECT_NEAR(softmax_cross_entropy(x64.to(DType::float32), y64.to(DType::float32)).item(),
              softmax_cross_entropy(x64, y64).item(), 1e-6);
  EXPECT_NEAR(huber_loss(x64.to(DType::float32), y64).item(), huber_loss(x64, y64).item(), 1e-6);
}

TEST(Losses, EmptyBatchGivesZero) {
  EXPECT_EQ(mse_loss(zeros({0, 3}, DType::float64), zeros({0, 3}, DType::float64)).item(), 0.0);
}

TEST(Losses, NaNPropagates) {
  const double nan = std::nan("");
  EXPECT_TRUE(std::isnan(softmax_cross_entropy(t64({nan, 1}, {1, 2}), t64({1, 0}, {1, 2})).item()));
  EXPECT_TRUE(std::isnan(sparse_softmax_cross_entropy(t64({1, nan}, {1, 2}), ids({0}, {1})).item()));
  EXPECT_TRUE(std::isnan(mse_loss(t64({nan}, {1}), t64({1}, {1})).item()));
  EXPECT_TRUE(std::isnan(binary_cross_entropy(t64({nan}, {1}), t64({1}, {1})).item()));
  EXPECT_TRUE(std::isnan(categorical_cross_entropy(t64({nan, 0.5}, {1, 2}), t64({1, 0}, {1, 2})).item()));
}

TEST(Losses, ShapeErrorsNameTheLossAndBothShapes) {
  Tensor a = zeros({4, 3}, DType::float64), b = zeros({4, 1}, DType::float64);
  expect_error<ShapeError>([&] { softmax_cross_entropy(a, b); }, {"softmax_cross_entropy", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>([&] { categorical_cross_entropy(a, b); }, {"categorical_cross_entropy", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>([&] { sigmoid_binary_cross_entropy(a, b); }, {"sigmoid_binary_cross_entropy", "(4, 3)"});
  expect_error<ShapeError>([&] { binary_cross_entropy(a, b); }, {"binary_cross_entropy", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>([&] { mse_loss(a, b); }, {"mse_loss", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>([&] { mae_loss(a, b); }, {"mae_loss", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>([&] { huber_loss(a, b); }, {"huber_loss", "(4, 3)", "(4, 1)"});
  expect_error<ShapeError>(
      [&] {
        sparse_softmax_cross_entropy(a, ids({0, 1}, {2}));
      },
      {"sparse_softmax_cross_entropy", "(2,)", "(4, 3)"});
  expect_error<ShapeError>([&] { softmax_cross_entropy(zeros({4}, DType::float64), zeros({4}, DType::float64)); },
                           {"softmax_cross_entropy", "(4,)"});
}

TEST(Losses, WeightsMustBePerSample) {
  Tensor a = zeros({4, 3}, DType::float64);
  expect_error<ShapeError>([&] { mse_loss(a, a, zeros({4, 1}, DType::float64)); }, {"mse_loss", "(4, 1)", "(4,)"});
  expect_error<ShapeError>([&] { softmax_cross_entropy(a, a, zeros({3}, DType::float64)); },
                           {"softmax_cross_entropy", "(3,)", "(4,)"});
}

TEST(Losses, BadLabelsAndDtypes) {
  Tensor logits = zeros({2, 3}, DType::float64);
  expect_error<IndexError>(
      [&] {
        sparse_softmax_cross_entropy(logits, ids({0, 3}, {2}));
      },
      {"sparse_softmax_cross_entropy", "3", "[1]", "[0, 3)"});
  expect_error<IndexError>(
      [&] {
        sparse_softmax_cross_entropy(logits, ids({-1, 0}, {2}));
      },
      {"sparse_softmax_cross_entropy", "-1"});
  expect_error<DTypeError>(
      [&] {
        sparse_softmax_cross_entropy(logits, t64({0, 1}, {2}));
      },
      {"sparse_softmax_cross_entropy", "int64"});
  expect_error<DTypeError>([&] { mse_loss(ids({1, 2}, {2}), t64({1, 2}, {2})); }, {"mse_loss"});
  expect_error<ValueError>([&] { huber_loss(logits, logits, 0.0); }, {"huber_loss", "delta"});
}

}  // namespace
}  // namespace deepfin
