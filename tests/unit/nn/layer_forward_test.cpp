// Forward values of each layer against independent loop computations, and
// training-vs-inference behaviour (Dropout, BatchNormalization).
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/nn/activations.h"
#include "deepfin/nn/layers.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::f64;
using testing::random_double;

TEST(LayerForward, DenseIsXTimesKernelPlusBias) {
  Generator gen(1);
  auto dense = layers::Dense(3, {.bias_initializer = "random_normal", .dtype = f64});
  Tensor x = random_double({2, 4}, gen);
  Tensor y = dense->call(x);
  const Tensor& w = dense->weight("kernel");
  const Tensor& b = dense->weight("bias");
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t j = 0; j < 3; ++j) {
      double acc = b.at({j});
      for (int64_t i = 0; i < 4; ++i) acc += x.at({n, i}) * w.at({i, j});
      EXPECT_NEAR(y.at({n, j}), acc, 1e-12);
    }
}

TEST(LayerForward, Conv2DMatchesLoops) {
  Generator gen(2);
  auto conv = layers::Conv2D(2, {2, 3}, {.bias_initializer = "random_uniform", .dtype = f64});
  Tensor x = random_double({1, 3, 4, 2}, gen);
  Tensor y = conv->call(x);
  ASSERT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
  const Tensor& k = conv->weight("kernel");
  const Tensor& b = conv->weight("bias");
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t f = 0; f < 2; ++f) {
        double acc = b.at({f});
        for (int64_t di = 0; di < 2; ++di)
          for (int64_t dj = 0; dj < 3; ++dj)
            for (int64_t c = 0; c < 2; ++c) acc += x.at({0, i + di, j + dj, c}) * k.at({di, dj, c, f});
        EXPECT_NEAR(y.at({0, i, j, f}), acc, 1e-12);
      }
}

TEST(LayerForward, PoolingMatchesLoops) {
  Generator gen(3);
  Tensor x = random_double({1, 4, 4, 1}, gen);
  Tensor mx = layers::MaxPooling2D({2, 2}, {.dtype = f64})->call(x);
  Tensor av = layers::AveragePooling2D({2, 2}, {.dtype = f64})->call(x);
  Tensor gap = layers::GlobalAveragePooling2D({.dtype = f64})->call(x);
  double total = 0;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j) {
      double m = -1e9, s = 0;
      for (int64_t a = 0; a < 2; ++a)
        for (int64_t c = 0; c < 2; ++c) {
          m = std::max(m, x.at({0, 2 * i + a, 2 * j + c, 0}));
          s += x.at({0, 2 * i + a, 2 * j + c, 0});
        }
      EXPECT_DOUBLE_EQ(mx.at({0, i, j, 0}), m);
      EXPECT_NEAR(av.at({0, i, j, 0}), s / 4, 1e-12);
      total += s;
    }
  EXPECT_NEAR(gap.at({0, 0}), total / 16, 1e-12);
}

TEST(LayerForward, FlattenAndReshapeKeepRowMajorOrder) {
  Generator gen(4);
  Tensor x = random_double({2, 3, 2}, gen);
  Tensor flat = layers::Flatten({.dtype = f64})->call(x);
  Tensor reshaped = layers::Reshape({2, 3}, {.dtype = f64})->call(x);
  EXPECT_EQ(flat.to_vector<double>(), x.to_vector<double>());
  EXPECT_EQ(reshaped.to_vector<double>(), x.to_vector<double>());
  EXPECT_EQ(reshaped.shape(), (Shape{2, 2, 3}));
}

TEST(LayerForward, DropoutDropsAtTrainingOnlyAndKeepsTheMean) {
  set_random_seed(5);
  auto drop = layers::Dropout(0.25);
  Tensor x = ones({100, 100});
  EXPECT_EQ(drop->call(x, false).to_vector<float>(), x.to_vector<float>());
  auto v = drop->call(x, true).to_vector<float>();
  int64_t zeros_count = 0;
  for (float e : v) {
    if (e == 0.f)
      ++zeros_count;
    else
      EXPECT_FLOAT_EQ(e, 1.f / 0.75f);
  }
  EXPECT_NEAR(zeros_count / 10000.0, 0.25, 0.03);
  EXPECT_THROW_WITH(layers::Dropout(1.0), ValueError, "rate");
}

TEST(LayerForward, BatchNormalizationTrainingNormalizesAndUpdatesMovingStats) {
  Generator gen(6);
  auto bn = layers::BatchNormalization({.momentum = 0.9, .dtype = f64});
  Tensor x = random_double({6, 2}, gen, 1.0, 3.0);
  Tensor y = bn->call(x, /*training=*/true);
  for (int64_t c = 0; c < 2; ++c) {
    double mean = 0, var = 0, ymean = 0, yvar = 0;
    for (int64_t n = 0; n < 6; ++n) mean += x.at({n, c}) / 6, ymean += y.at({n, c}) / 6;
    for (int64_t n = 0; n < 6; ++n) {
      var += std::pow(x.at({n, c}) - mean, 2) / 6;
      yvar += std::pow(y.at({n, c}) - ymean, 2) / 6;
    }
    EXPECT_NEAR(ymean, 0.0, 1e-12);
    EXPECT_NEAR(yvar, var / (var + 1e-3), 1e-9);
    // moving = momentum * moving + (1 - momentum) * batch, from 0 and 1.
    EXPECT_NEAR(bn->weight("moving_mean").at({c}), 0.1 * mean, 1e-12);
    EXPECT_NEAR(bn->weight("moving_variance").at({c}), 0.9 + 0.1 * var, 1e-12);
  }
  // Inference uses the moving statistics.
  Tensor z = bn->call(x, /*training=*/false);
  const double mm = bn->weight("moving_mean").at({1}), mv = bn->weight("moving_variance").at({1});
  EXPECT_NEAR(z.at({3, 1}), (x.at({3, 1}) - mm) / std::sqrt(mv + 1e-3), 1e-12);
}

TEST(LayerForward, LayerNormalizationNormalizesEachSample) {
  Generator gen(7);
  auto ln = layers::LayerNormalization({.dtype = f64});
  Tensor x = random_double({3, 5}, gen, -4, 4);
  Tensor y = ln->call(x);
  for (int64_t n = 0; n < 3; ++n) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < 5; ++i) mean += x.at({n, i}) / 5;
    for (int64_t i = 0; i < 5; ++i) var += std::pow(x.at({n, i}) - mean, 2) / 5;
    for (int64_t i = 0; i < 5; ++i) EXPECT_NEAR(y.at({n, i}), (x.at({n, i}) - mean) / std::sqrt(var + 1e-3), 1e-12);
  }
}

TEST(LayerForward, CallWithoutActivationGivesLogits) {
  Generator gen(8);
  auto dense = layers::Dense(4, {.activation = "softmax", .dtype = f64});
  Tensor x = random_double({2, 3}, gen);
  Tensor logits = dense->call_without_activation(x);
  EXPECT_TRUE(all_close(dense->call(x), activations::apply("softmax", logits), 1e-14, 0));
  EXPECT_EQ(dense->activation(), "softmax");
  EXPECT_EQ(layers::Dense(2)->activation(), "linear");
}

}  // namespace
}  // namespace deepfin
