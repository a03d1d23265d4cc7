// Naming, activations and initializers by name, and the layer registry.
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/core/random.h"
#include "deepfin/nn/activations.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/activations.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using testing::bit_identical;

TEST(LayerNames, SnakeCaseMatchesKeras) {
  EXPECT_EQ(nn::to_snake_case("Conv2D"), "conv2d");
  EXPECT_EQ(nn::to_snake_case("MaxPooling2D"), "max_pooling2d");
  EXPECT_EQ(nn::to_snake_case("GlobalAveragePooling2D"), "global_average_pooling2d");
  EXPECT_EQ(nn::to_snake_case("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(nn::to_snake_case("InputLayer"), "input_layer");
}

TEST(LayerNames, AutoNamesAreUniquePerClass) {
  nn::clear_session();
  auto a = layers::Conv2D(4, {3, 3});
  auto b = layers::Conv2D(4, {3, 3});
  auto d = layers::Dense(2);
  auto c = layers::Conv2D(4, {3, 3});
  EXPECT_EQ(a->name(), "conv2d");
  EXPECT_EQ(b->name(), "conv2d_1");
  EXPECT_EQ(c->name(), "conv2d_2");
  EXPECT_EQ(d->name(), "dense");
  EXPECT_EQ(layers::Dense(2, {.name = "head"})->name(), "head");
}

TEST(Activations, ByNameMatchTheOps) {
  Generator gen(1);
  Tensor x = testing::random_double({3, 4}, gen, -2, 2);
  EXPECT_TRUE(bit_identical(activations::apply("relu", x), relu(x)));
  EXPECT_TRUE(bit_identical(activations::apply("sigmoid", x), sigmoid(x)));
  EXPECT_TRUE(bit_identical(activations::apply("tanh", x), deepfin::tanh(x)));
  EXPECT_TRUE(bit_identical(activations::apply("softmax", x), softmax(x, -1)));
  EXPECT_TRUE(bit_identical(activations::apply("gelu", x), gelu(x)));
  EXPECT_TRUE(bit_identical(activations::apply("elu", x), elu(x)));
  EXPECT_TRUE(bit_identical(activations::apply("softplus", x), softplus(x)));
  EXPECT_TRUE(bit_identical(activations::apply("leaky_relu", x), leaky_relu(x, 0.2)));
  EXPECT_TRUE(bit_identical(activations::apply("linear", x), x));
  EXPECT_EQ(activations::names().size(), 9u);
}

TEST(Activations, UnknownNameListsKnownOnes) {
  EXPECT_THROW_WITH(activations::get("relux"), ConfigError, "relux");
  EXPECT_THROW_WITH(activations::get("relux"), ConfigError, "softmax");
  EXPECT_THROW_WITH(layers::Dense(3, {.activation = "swishy"}), ConfigError, "swishy");
}

TEST(Initializers, FansFollowKeras) {
  auto dense = initializers::compute_fans({20, 30});
  EXPECT_EQ(dense.fan_in, 20);
  EXPECT_EQ(dense.fan_out, 30);
  auto conv = initializers::compute_fans({3, 3, 4, 8});
  EXPECT_EQ(conv.fan_in, 36);
  EXPECT_EQ(conv.fan_out, 72);
}

TEST(Initializers, GlorotUniformStaysInsideItsLimitAndHasItsVariance) {
  set_random_seed(3);
  Tensor w = initializers::get("glorot_uniform")({200, 100}, DType::float64);
  const double limit = std::sqrt(6.0 / 300.0);
  double sum = 0, sum_sq = 0;
  for (double v : w.to_vector<double>()) {
    ASSERT_LE(std::abs(v), limit);
    sum += v;
    sum_sq += v * v;
  }
  const double n = 20000;
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, limit * limit / 3.0, 0.05 * limit * limit / 3.0);
}

TEST(Initializers, HeNormalIsTruncatedWithTheRightStddev) {
  set_random_seed(4);
  Tensor w = initializers::get("he_normal")({400, 100}, DType::float32);
  EXPECT_EQ(w.dtype(), DType::float32);
  const double target = std::sqrt(2.0 / 400.0);
  double sum_sq = 0;
  for (float v : w.to_vector<float>()) {
    ASSERT_LE(std::abs(v), 2.0 * target / 0.87962566103423978 + 1e-6);
    sum_sq += double(v) * v;
  }
  EXPECT_NEAR(std::sqrt(sum_sq / 40000.0), target, 0.03 * target);
}

TEST(Initializers, ConstantsAndOrthogonal) {
  EXPECT_EQ(initializers::get("zeros")({3}, DType::float32).to_vector<float>(), std::vector<float>(3, 0.f));
  EXPECT_EQ(initializers::get("ones")({2}, DType::float64).to_vector<double>(), std::vector<double>(2, 1.0));
  for (Shape shape : {Shape{6, 4}, Shape{3, 5}}) {
    Tensor q = initializers::get("orthogonal")(shape, DType::float64);
    // The narrow side is orthonormal: Q^T Q = I (tall) or Q Q^T = I (wide).
    const bool tall = shape[0] >= shape[1];
    const int64_t k = std::min(shape[0], shape[1]), m = std::max(shape[0], shape[1]);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) {
        double dot = 0;
        for (int64_t r = 0; r < m; ++r) dot += tall ? q.at({r, i}) * q.at({r, j}) : q.at({i, r}) * q.at({j, r});
        EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-12);
      }
  }
  EXPECT_THROW_WITH(initializers::get("glorot"), ConfigError, "glorot_uniform");
}

TEST(Initializers, SameSeedSameWeights) {
  set_random_seed(9);
  Tensor a = initializers::get("glorot_normal")({5, 7}, DType::float32);
  set_random_seed(9);
  Tensor b = initializers::get("glorot_normal")({5, 7}, DType::float32);
  EXPECT_TRUE(bit_identical(a, b));
}

TEST(Registry, KnowsEveryBuiltInAndRejectsUnknownNames) {
  for (const char* name :
       {"InputLayer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Flatten",
        "Reshape", "Dropout", "BatchNormalization", "LayerNormalization", "Activation"})
    EXPECT_TRUE(nn::is_registered(name)) << name;
  nlohmann::json bad = {{"class_name", "Dense2"}, {"config", {{"units", 3}}}};
  EXPECT_THROW_WITH(nn::layer_from_config(bad), ConfigError, "Dense2");
  EXPECT_THROW_WITH(nn::layer_from_config(bad), ConfigError, "Conv2D");  // lists the known names
  EXPECT_THROW(nn::layer_from_config(nlohmann::json{{"class_name", "Dense"}, {"config", nlohmann::json::object()}}),
               ConfigError);  // missing units
}

TEST(Registry, UserLayersCanRegister) {
  nn::register_layer("MyFlatten", [](const nlohmann::json& c) {
    return std::make_shared<nn::Flatten>(nn::LayerOptions{.name = c.value("name", std::string("mine"))});
  });
  auto layer = nn::layer_from_config({{"class_name", "MyFlatten"}, {"config", {{"name", "f"}}}});
  EXPECT_EQ(layer->name(), "f");
  EXPECT_TRUE(nn::is_registered("MyFlatten"));
}

}  // namespace
}  // namespace deepfin
