// The tabular layers: PeriodicEmbedding, EnsembleInput / EnsembleDense / EnsembleMean and
// FeatureTokenizer / SelectToken. Hand-computed forwards, the settings each refuses, and
// float64 gradient checks (shapes, parameter counts and config round trips run for every
// layer in layer_cases.h).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

Tensor f64_values(std::vector<double> v, const Shape& shape) {
  return from_vector(v, shape);
}

TEST(PeriodicEmbedding, ForwardMatchesTheFormulaByHand) {
  // Column 1 embedded with one frequency into one value; column 0 passes through.
  auto layer = layers::PeriodicEmbedding({1}, {.n_frequencies = 1, .embedding_dim = 2, .dtype = f64});
  layer->build({2});
  nn::assign_values(layer->weights()[0].value, f64_values({0.25}, {1, 1}));                    // frequency
  nn::assign_values(layer->weights()[1].value, f64_values({1.0, -1.0, 2.0, 0.5}, {1, 2, 2}));  // [cos, sin] x 2
  nn::assign_values(layer->weights()[2].value, f64_values({0.1, -3.0}, {1, 2}));
  const Tensor out = layer->call(f64_values({7.0, 0.3}, {1, 2}));
  const double v = 2 * std::numbers::pi * 0.25 * 0.3;
  const double e0 = std::cos(v) * 1.0 + std::sin(v) * 2.0 + 0.1;
  const double e1 = std::max(0.0, std::cos(v) * -1.0 + std::sin(v) * 0.5 - 3.0);
  ASSERT_EQ(out.shape(), (Shape{1, 3}));
  EXPECT_DOUBLE_EQ(out.at({0, 0}), 7.0);
  EXPECT_NEAR(out.at({0, 1}), e0, 1e-15);
  EXPECT_EQ(out.at({0, 2}), e1);  // the ReLU cuts it to 0
  EXPECT_EQ(e1, 0.0);
}

TEST(PeriodicEmbedding, InitialFrequenciesFollowSigma) {
  set_random_seed(11);
  auto layer = layers::PeriodicEmbedding({}, {.n_frequencies = 400, .sigma = 3.0, .dtype = f64});
  layer->build({5});
  const std::vector<double> f = layer->weights()[0].value.to_vector<double>();
  double sq = 0;
  for (double v : f) sq += v * v;
  EXPECT_NEAR(std::sqrt(sq / static_cast<double>(f.size())), 3.0, 0.15);
}

TEST(PeriodicEmbedding, RefusesBadSettingsNamingThem) {
  EXPECT_THROW(layers::PeriodicEmbedding({-1}), ConfigError);
  EXPECT_THROW(layers::PeriodicEmbedding({2, 2}), ConfigError);
  EXPECT_THROW(layers::PeriodicEmbedding({}, {.n_frequencies = 0}), ConfigError);
  EXPECT_THROW(layers::PeriodicEmbedding({}, {.embedding_dim = 0}), ConfigError);
  EXPECT_THROW(layers::PeriodicEmbedding({}, {.sigma = 0.0}), ConfigError);
  EXPECT_THROW(layers::PeriodicEmbedding({}, {.sigma = std::nan("")}), ConfigError);
  try {
    layers::PeriodicEmbedding({4})->build({3});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("feature column 4 is out of range for an input of 3 features"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(layers::PeriodicEmbedding()->build({3, 2}), ShapeError);
  EXPECT_THROW(nn::layer_from_config({{"class_name", "PeriodicEmbedding"}, {"config", {{"features", "all"}}}}),
               ConfigError);
}

TEST(PeriodicEmbedding, GradientsReachInputsAndEveryWeight) {
  Generator gen(21);
  auto layer = layers::PeriodicEmbedding({0, 2}, {.n_frequencies = 3, .embedding_dim = 2, .sigma = 0.3, .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*layer, random_double({3, 4}, gen)));
  auto lite = layers::PeriodicEmbedding({}, {.n_frequencies = 2, .embedding_dim = 3, .lite = true, .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*lite, random_double({4, 6}, gen).slice(1, 0, 6, 2)));
}

TEST(EnsembleLayers, AdapterStartsAsRandomSigns) {
  set_random_seed(5);
  auto layer = layers::EnsembleInput(8, {.dtype = f64});
  layer->build({16});
  int positives = 0;
  for (double v : layer->weights()[0].value.to_vector<double>()) {
    EXPECT_TRUE(v == 1.0 || v == -1.0) << v;
    positives += v > 0;
  }
  EXPECT_GT(positives, 40);  // of 128: both signs occur
  EXPECT_LT(positives, 88);
}

TEST(EnsembleLayers, EachMemberHasItsOwnHeadAndTheMeanAveragesThem) {
  auto spread = layers::EnsembleInput(2, {.dtype = f64});
  spread->build({2});
  nn::assign_values(spread->weights()[0].value, f64_values({1, -1, -1, 2}, {2, 2}));
  auto heads = layers::EnsembleDense(1, {.dtype = f64});
  heads->build({2, 2});
  nn::assign_values(heads->weights()[0].value, f64_values({1, 1, 3, 0}, {2, 2, 1}));
  nn::assign_values(heads->weights()[1].value, f64_values({0.5, -1}, {2, 1}));
  auto average = layers::EnsembleMean({.activation = "sigmoid", .dtype = f64});
  average->build({2, 1});
  const Tensor x = f64_values({2, 3}, {1, 2});
  const Tensor members = heads->call(spread->call(x));
  // Member 0 sees (2, -3): 2 - 3 + 0.5 = -0.5. Member 1 sees (-2, 6): 3 * -2 - 1 = -7.
  EXPECT_EQ(members.to_vector<double>(), (std::vector<double>{-0.5, -7.0}));
  EXPECT_EQ(average->call(members, /*training=*/true).shape(), (Shape{1, 2, 1}));
  EXPECT_NEAR(average->call(members, /*training=*/false).item(), 1.0 / (1.0 + std::exp(3.75)), 1e-15);
}

TEST(EnsembleLayers, RefuseBadSettingsAndShapes) {
  EXPECT_THROW(layers::EnsembleInput(0), ConfigError);
  EXPECT_THROW(layers::EnsembleDense(0), ConfigError);
  EXPECT_THROW(layers::EnsembleInput(2)->build({3, 2}), ShapeError);
  EXPECT_THROW(layers::EnsembleDense(2)->build({3}), ShapeError);
  EXPECT_THROW(layers::EnsembleMean()->build({3}), ShapeError);
  EXPECT_THROW(layers::EnsembleMean({.activation = "sigmoidal"}), ConfigError);
}

TEST(EnsembleLayers, GradientsReachInputsAndEveryWeight) {
  Generator gen(22);
  EXPECT_TRUE(gradcheck_layer(*layers::EnsembleInput(3, {.dtype = f64}), random_double({2, 4}, gen)));
  EXPECT_TRUE(
      gradcheck_layer(*layers::EnsembleDense(2, {.activation = "tanh", .dtype = f64}), random_double({3, 2, 4}, gen)));
  auto average = layers::EnsembleMean({.activation = "sigmoid", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*average, random_double({3, 4, 2}, gen)));
  EXPECT_TRUE(gradcheck_layer(*average, random_double({3, 4, 2}, gen), /*training=*/true));
}

TEST(FeatureTokenizer, TokensAreValueTimesWeightPlusBiasThenCls) {
  auto layer = layers::FeatureTokenizer(2, {.dtype = f64});
  layer->build({2});
  nn::assign_values(layer->weights()[0].value, f64_values({1, 2, 3, 4}, {2, 2}));
  nn::assign_values(layer->weights()[1].value, f64_values({0, 1, 0, -1}, {2, 2}));
  nn::assign_values(layer->weights()[2].value, f64_values({9, 8}, {2}));
  const Tensor out = layer->call(f64_values({2, -1, 0, 1}, {2, 2}));
  EXPECT_EQ(out.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{2, 5, -3, -5, 9, 8,  //
                                                          0, 1, 3, 3, 9, 8}));
  auto cls = layers::SelectToken(-1, {.dtype = f64});
  cls->build({3, 2});
  EXPECT_EQ(cls->call(out).to_vector<double>(), (std::vector<double>{9, 8, 9, 8}));
  auto first = layers::SelectToken(0, {.dtype = f64});
  first->build({3, 2});
  EXPECT_EQ(first->call(out).to_vector<double>(), (std::vector<double>{2, 5, 0, 1}));
}

TEST(FeatureTokenizer, RefusesBadSettingsAndShapes) {
  EXPECT_THROW(layers::FeatureTokenizer(0), ConfigError);
  EXPECT_THROW(layers::FeatureTokenizer(4)->build({3, 2}), ShapeError);
  EXPECT_THROW(layers::SelectToken(3)->build({3, 2}), ShapeError);
  EXPECT_THROW(layers::SelectToken(-4)->build({3, 2}), ShapeError);
  EXPECT_THROW(layers::SelectToken()->build({3}), ShapeError);
}

TEST(FeatureTokenizer, GradientsReachInputsWeightsAndCls) {
  Generator gen(23);
  EXPECT_TRUE(gradcheck_layer(*layers::FeatureTokenizer(3, {.dtype = f64}), random_double({2, 4}, gen)));
  EXPECT_TRUE(
      gradcheck_layer(*layers::FeatureTokenizer(2, {.cls_token = false, .dtype = f64}), random_double({3, 2}, gen)));
  EXPECT_TRUE(gradcheck_layer(*layers::SelectToken(1, {.dtype = f64}), random_double({2, 3, 2}, gen)));
}

}  // namespace
}  // namespace deepfin
