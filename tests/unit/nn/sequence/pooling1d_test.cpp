// GlobalAveragePooling1D / GlobalMaxPooling1D: hand-computed values, keepdims,
// gradients (float64 check plus the hand-known arg-max routing), config and errors.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

// x (1, 3, 2): feature 0 = 1, 5, 3; feature 1 = -2, -4, 0.
Tensor small_sequence() {
  return from_vector(std::vector<double>{1, -2, 5, -4, 3, 0}, {1, 3, 2});
}

TEST(GlobalPooling1D, HandComputedValues) {
  auto avg = layers::GlobalAveragePooling1D({.dtype = f64});
  auto mx = layers::GlobalMaxPooling1D({.dtype = f64});
  EXPECT_EQ(avg->call(small_sequence()).to_vector<double>(), (std::vector<double>{3, -2}));
  EXPECT_EQ(avg->call(small_sequence()).shape(), (Shape{1, 2}));
  EXPECT_EQ(mx->call(small_sequence()).to_vector<double>(), (std::vector<double>{5, 0}));
}

TEST(GlobalPooling1D, KeepdimsKeepsAStepAxis) {
  auto avg = layers::GlobalAveragePooling1D({.keepdims = true, .dtype = f64});
  auto mx = layers::GlobalMaxPooling1D({.keepdims = true, .dtype = f64});
  EXPECT_EQ(avg->call(small_sequence()).shape(), (Shape{1, 1, 2}));
  EXPECT_EQ(mx->call(small_sequence()).to_vector<double>(), (std::vector<double>{5, 0}));
  EXPECT_EQ(mx->output_shape(), (Shape{1, 2}));
}

TEST(GlobalPooling1D, GradientsByHand) {
  Tensor x = small_sequence().detach().set_requires_grad(true);
  layers::GlobalMaxPooling1D({.dtype = f64})->call(x).backward(ones({1, 2}, f64));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 1, 0, 0, 1}));
  Tensor x2 = small_sequence().detach().set_requires_grad(true);
  layers::GlobalAveragePooling1D({.dtype = f64})->call(x2).backward(ones({1, 2}, f64));
  for (double g : x2.grad().to_vector<double>()) EXPECT_DOUBLE_EQ(g, 1.0 / 3.0);
}

TEST(GlobalPooling1D, Gradcheck) {
  Generator gen(21);
  auto avg = layers::GlobalAveragePooling1D({.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*avg, random_double({3, 4, 2}, gen)));
  auto mx = layers::GlobalMaxPooling1D({.keepdims = true, .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*mx, random_double({2, 3, 5}, gen).transpose(1, 2)));
}

TEST(GlobalPooling1D, ConfigRoundTrip) {
  for (const char* cls : {"GlobalAveragePooling1D", "GlobalMaxPooling1D"}) {
    nlohmann::json config = {{"name", "p"}, {"keepdims", true}, {"input_shape", {5, 3}}};
    auto layer = nn::layer_from_config({{"class_name", cls}, {"config", config}});
    EXPECT_EQ(layer->class_name(), cls);
    EXPECT_EQ(layer->get_config().at("keepdims"), true);
    EXPECT_EQ(nn::layer_from_config(nn::serialize(*layer))->get_config(), layer->get_config());
  }
}

TEST(GlobalPooling1D, ClearErrors) {
  EXPECT_THROW_WITH(layers::GlobalMaxPooling1D({.name = "gmp"})->build({4, 3, 2}), ShapeError,
                    "GlobalMaxPooling1D 'gmp': expected input shape (steps, features)");
  EXPECT_THROW_WITH(layers::GlobalAveragePooling1D()->build({7}), ShapeError, "got (7,)");
  nlohmann::json bad = {{"class_name", "GlobalAveragePooling1D"}, {"config", {{"data_format", "channels_first"}}}};
  EXPECT_THROW_WITH(nn::layer_from_config(bad), ConfigError, "data_format 'channels_first' is not supported");
}

}  // namespace
}  // namespace deepfin
