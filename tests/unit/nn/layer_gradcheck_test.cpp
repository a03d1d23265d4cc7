// Float64 central-difference gradient checks through every layer with a
// gradient path, with respect to the input and every trainable weight,
// including strided (transposed, step-2 sliced) inputs.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

TEST(LayerGradcheck, Dense) {
  Generator gen(1);
  auto layer = layers::Dense(3, {.activation = "tanh", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*layer, random_double({4, 2}, gen)));
  // A transposed (strided) batch.
  auto layer2 = layers::Dense(2, {.activation = "sigmoid", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*layer2, random_double({3, 5}, gen).transpose(0, 1)));
  // Rank-3 input: the kernel applies on the last axis.
  auto layer3 = layers::Dense(2, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*layer3, random_double({2, 3, 4}, gen)));
}

TEST(LayerGradcheck, Conv2D) {
  Generator gen(2);
  auto valid = layers::Conv2D(2, {2, 2}, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*valid, random_double({2, 4, 3, 2}, gen)));
  auto same = layers::Conv2D(2, {3, 3}, {.strides = {2, 1}, .padding = "same", .activation = "tanh", .dtype = f64});
  // Every other row of a taller image: a strided view.
  EXPECT_TRUE(gradcheck_layer(*same, random_double({1, 8, 3, 2}, gen).slice(1, 0, 8, 2)));
}

TEST(LayerGradcheck, Pooling) {
  Generator gen(3);
  auto maxp = layers::MaxPooling2D({2, 2}, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*maxp, random_double({2, 4, 5, 2}, gen)));
  auto avgp = layers::AveragePooling2D({2, 2}, {.strides = {1, 1}, .padding = "same", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*avgp, random_double({1, 3, 3, 2}, gen)));
  auto gap = layers::GlobalAveragePooling2D({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*gap, random_double({4, 3, 2, 3}, gen).slice(0, 0, 4, 2)));
}

TEST(LayerGradcheck, ShapeLayers) {
  Generator gen(4);
  auto flat = layers::Flatten({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*flat, random_double({3, 2, 2}, gen).transpose(1, 2)));
  auto reshape = layers::Reshape({3, -1}, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*reshape, random_double({2, 6}, gen)));
}

TEST(LayerGradcheck, ActivationAndDropoutAtInference) {
  Generator gen(5);
  auto act = layers::Activation("softmax", {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*act, random_double({3, 4}, gen)));
  auto drop = layers::Dropout(0.5, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*drop, random_double({3, 4}, gen), /*training=*/false));
}

TEST(LayerGradcheck, BatchNormalizationTrainingAndInference) {
  Generator gen(6);
  // Training mode: batch statistics are part of the graph.
  auto bn = layers::BatchNormalization({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*bn, random_double({5, 3}, gen), /*training=*/true));
  auto bn4 = layers::BatchNormalization({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*bn4, random_double({2, 2, 3, 2}, gen).transpose(1, 2), /*training=*/true));
  auto bn_inf = layers::BatchNormalization({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*bn_inf, random_double({4, 3}, gen), /*training=*/false));
}

TEST(LayerGradcheck, LayerNormalization) {
  Generator gen(7);
  auto ln = layers::LayerNormalization({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*ln, random_double({3, 5}, gen)));
  auto ln3 = layers::LayerNormalization({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*ln3, random_double({4, 2, 3}, gen).transpose(0, 1).slice(0, 0, 2)));
}

}  // namespace
}  // namespace deepfin
