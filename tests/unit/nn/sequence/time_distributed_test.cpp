// TimeDistributed: per-step equivalence with the bare inner layer, shared weights,
// gradcheck with Dense (and Conv1D) inside, config nesting and errors.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/ops/shape_ops.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

TEST(TimeDistributed, EachStepIsTheInnerLayerOnThatStep) {
  Generator gen(31);
  auto td = layers::TimeDistributed(layers::Dense(3, {.activation = "tanh", .dtype = f64}));
  const Tensor x = random_double({2, 4, 5}, gen);
  const Tensor y = td->call(x);
  ASSERT_EQ(y.shape(), (Shape{2, 4, 3}));
  auto dense = layers::Dense(3, {.activation = "tanh", .dtype = f64});
  dense->build({5});
  testing::copy_weights(*td, *dense);
  std::vector<Tensor> steps;
  for (int64_t t = 0; t < 4; ++t) steps.push_back(dense->call(x.select(1, t)));
  EXPECT_TRUE(testing::all_close(y, stack(steps, 1), 1e-14, 1e-14));
}

TEST(TimeDistributed, HandComputedSharedWeights) {
  auto td = layers::TimeDistributed(layers::Dense(1, {.dtype = f64}));
  td->build({3, 2});
  nn::assign_values(td->weights()[0].value, from_vector(std::vector<double>{1, 10}, {2, 1}));
  nn::assign_values(td->weights()[1].value, from_vector(std::vector<double>{0.5}, {1}));
  const Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {1, 3, 2});
  EXPECT_EQ(td->call(x).to_vector<double>(), (std::vector<double>{21.5, 43.5, 65.5}));
}

TEST(TimeDistributed, WeightsAreTheInnerLayersTensors) {
  auto dense = layers::Dense(4);
  auto td = layers::TimeDistributed(dense, {.name = "td"});
  td->build({6, 3});
  ASSERT_EQ(td->weights().size(), 2u);
  EXPECT_EQ(td->weights()[0].name, "kernel");
  EXPECT_EQ(td->weights()[1].name, "bias");
  EXPECT_EQ(td->weights()[0].value.raw_data(), dense->weight("kernel").raw_data());
  EXPECT_EQ(td->output_shape(), (Shape{6, 4}));
  EXPECT_EQ(td->count_params(), 3 * 4 + 4);
  EXPECT_EQ(td->dtype(), DType::float32);
}

TEST(TimeDistributed, ActivationIsTheInnerLayers) {
  auto td = layers::TimeDistributed(layers::Dense(3, {.activation = "softmax"}));
  EXPECT_EQ(td->activation(), "softmax");
  const Tensor y = td->call(rand_uniform({2, 4, 5}, -1, 1));
  const Tensor sums = sum(y, {2});
  for (float s : sums.to_vector<float>()) EXPECT_NEAR(s, 1.0f, 1e-6);
}

TEST(TimeDistributed, GradcheckDenseAndConv1DInside) {
  Generator gen(32);
  auto td = layers::TimeDistributed(layers::Dense(2, {.activation = "sigmoid", .dtype = f64}));
  EXPECT_TRUE(gradcheck_layer(*td, random_double({2, 3, 4}, gen)));
  // (N, T, steps, features): a Conv1D on each outer step; a strided input view.
  auto td_conv = layers::TimeDistributed(layers::Conv1D(2, 2, {.dtype = f64}));
  EXPECT_TRUE(gradcheck_layer(*td_conv, random_double({2, 3, 4, 3}, gen).transpose(2, 3)));
}

TEST(TimeDistributed, ConfigNestsTheInnerLayer) {
  auto td = layers::TimeDistributed(layers::Dense(3, {.activation = "relu", .name = "inner"}),
                                    {.name = "td", .input_shape = {5, 2}});
  const nlohmann::json config = td->get_config();
  EXPECT_EQ(config.at("layer").at("class_name"), "Dense");
  EXPECT_EQ(config.at("layer").at("config").at("units"), 3);
  EXPECT_EQ(config.at("layer").at("config").at("name"), "inner");
  auto rebuilt = nn::layer_from_config(nn::serialize(*td));
  EXPECT_EQ(rebuilt->class_name(), "TimeDistributed");
  EXPECT_EQ(rebuilt->get_config(), config);
  EXPECT_EQ(rebuilt->activation(), "relu");
}

TEST(TimeDistributed, ClearErrors) {
  EXPECT_THROW_WITH(layers::TimeDistributed(nullptr), ValueError, "wrapped layer is null");
  EXPECT_THROW_WITH(layers::TimeDistributed(layers::Dense(2), {.name = "td"})->build({5}), ShapeError,
                    "TimeDistributed 'td': expected input shape (steps, ...)");
  // The inner layer's own shape check names the inner layer.
  EXPECT_THROW_WITH(layers::TimeDistributed(layers::Conv1D(2, 3, {.name = "c"}))->build({5, 4, 3, 1}), ShapeError,
                    "Conv1D 'c'");
  nlohmann::json no_layer = {{"class_name", "TimeDistributed"}, {"config", {{"name", "td"}}}};
  EXPECT_THROW_WITH(nn::layer_from_config(no_layer), ConfigError, "lacks 'layer'");
}

}  // namespace
}  // namespace deepfin
