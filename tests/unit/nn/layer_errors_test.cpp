// Bad input to layers: wrong ranks, mismatched shapes, wrong dtypes, bad options.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

TEST(LayerErrors, WrongRankNamesTheLayerAndShape) {
  auto conv = layers::Conv2D(2, {3, 3}, {.name = "c1"});
  EXPECT_THROW_WITH(conv->build({28, 28}), ShapeError, "Conv2D");
  EXPECT_THROW_WITH(conv->build({28, 28}), ShapeError, "(28, 28)");
  EXPECT_THROW_WITH(layers::MaxPooling2D()->call(zeros({2, 4})), ShapeError, "MaxPooling2D");
  EXPECT_THROW_WITH(layers::GlobalAveragePooling2D()->build({4}), ShapeError, "GlobalAveragePooling2D");
  EXPECT_THROW_WITH(layers::Conv2D(2, {5, 5})->build({3, 3, 1}), ShapeError, "too small");
}

TEST(LayerErrors, InputShapeMismatchAfterBuildNamesBothShapes) {
  auto dense = layers::Dense(3, {.name = "d"});
  dense->call(zeros({2, 4}));
  try {
    dense->call(zeros({2, 5}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Dense 'd'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(4,)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(5,)"), std::string::npos) << msg;
  }
  EXPECT_THROW_WITH(dense->build({5}), ShapeError, "Dense");
}

TEST(LayerErrors, IntegerInputIsADTypeError) {
  auto dense = layers::Dense(3);
  EXPECT_THROW_WITH(dense->call(zeros({2, 4}, DType::int64)), DTypeError, "Dense");
  EXPECT_THROW_WITH(layers::Dense(3, {.dtype = DType::int64}), DTypeError, "float32 or float64");
}

TEST(LayerErrors, BadOptions) {
  EXPECT_THROW_WITH(layers::Dense(0), ValueError, "units");
  EXPECT_THROW_WITH(layers::Conv2D(4, {0, 3}), ValueError, "Conv2D");
  EXPECT_THROW_WITH(layers::Conv2D(4, {3, 3}, {.padding = "full"}), ConfigError, "full");
  EXPECT_THROW_WITH(layers::Reshape({-1, -1}), ValueError, "Reshape");
  EXPECT_THROW_WITH(layers::Reshape({5})->build({2, 3}), ShapeError, "Reshape");
  EXPECT_THROW_WITH(layers::Dense(3, {.kernel_initializer = "nope"})->build({2}), ConfigError, "nope");
  EXPECT_THROW_WITH(layers::BatchNormalization()->weight("alpha"), ValueError, "alpha");
}

TEST(LayerErrors, ScalarInputHasNoBatchAxis) {
  EXPECT_THROW_WITH(layers::Flatten()->call(scalar_tensor(1.0)), ShapeError, "batch axis");
}

}  // namespace
}  // namespace deepfin
