// Built output shapes and parameter counts for every layer, and config round trips.
#include <gtest/gtest.h>

#include "deepfin/autograd/node.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/registry.h"
#include "layer_cases.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using testing::layer_cases;

Shape with_batch(int64_t n, const Shape& s) {
  Shape out = {n};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

TEST(LayerShapes, OutputShapesAndParameterCountsMatchKeras) {
  for (const auto& c : layer_cases()) {
    SCOPED_TRACE(c.label);
    auto layer = c.make(DType::float32);
    EXPECT_EQ(layer->compute_output_shape(c.input), c.output);
    layer->build(c.input);
    EXPECT_TRUE(layer->built());
    EXPECT_EQ(layer->output_shape(), c.output);
    EXPECT_EQ(layer->count_params(), c.params);
    int64_t trainable = 0;
    for (const Tensor& w : layer->trainable_weights()) trainable += w.numel();
    EXPECT_EQ(trainable, c.trainable);
    // A real batch comes out with the built shape.
    Generator gen(5);
    Tensor y = layer->call(rand_uniform(with_batch(2, c.input), -1, 1, DType::float32, &gen));
    EXPECT_EQ(y.shape(), with_batch(2, c.output));
    EXPECT_EQ(y.dtype(), DType::float32);
  }
}

TEST(LayerShapes, SeedCnnCounts) {
  auto conv = layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}});
  auto pool = layers::MaxPooling2D({2, 2});
  auto flat = layers::Flatten();
  auto dense = layers::Dense(10, {.activation = "softmax"});
  Shape s = {28, 28, 1};
  for (nn::Layer* l : std::vector<nn::Layer*>{conv.get(), pool.get(), flat.get(), dense.get()}) {
    l->build(s);
    s = l->output_shape();
  }
  EXPECT_EQ(conv->count_params(), 320);
  EXPECT_EQ(flat->output_shape(), Shape{5408});
  EXPECT_EQ(dense->count_params(), 54090);
  EXPECT_EQ(conv->weight("kernel").shape(), (Shape{3, 3, 1, 32}));
  EXPECT_EQ(dense->weight("kernel").shape(), (Shape{5408, 10}));
}

TEST(LayerConfig, RoundTripGivesTheSameConfigAndOutputs) {
  for (const auto& c : layer_cases()) {
    SCOPED_TRACE(c.label);
    for (DType dtype : {DType::float32, DType::float64}) {
      auto layer = c.make(dtype);
      layer->build(c.input);
      const nlohmann::json serialized = nn::serialize(*layer);
      EXPECT_EQ(serialized["class_name"], layer->class_name());
      // Through text, as a saved model stores it.
      auto copy = nn::layer_from_config(nlohmann::json::parse(serialized.dump()));
      EXPECT_EQ(copy->class_name(), layer->class_name());
      EXPECT_EQ(copy->get_config(), layer->get_config());
      EXPECT_EQ(copy->dtype(), dtype);
      copy->build(c.input);
      testing::copy_weights(*layer, *copy);
      Generator gen(6);
      Tensor x = rand_uniform(with_batch(3, c.input), -1, 1, dtype, &gen);
      EXPECT_TRUE(testing::bit_identical(copy->call(x, false), layer->call(x, false)));
    }
  }
}

TEST(LayerConfig, KerasFieldsArePresent) {
  auto conv = layers::Conv2D(8, {3, 3}, {.strides = {2, 2}, .padding = "same", .activation = "relu"});
  const auto c = conv->get_config();
  EXPECT_EQ(c["filters"], 8);
  EXPECT_EQ(c["kernel_size"], nlohmann::json({3, 3}));
  EXPECT_EQ(c["strides"], nlohmann::json({2, 2}));
  EXPECT_EQ(c["padding"], "same");
  EXPECT_EQ(c["activation"], "relu");
  EXPECT_EQ(c["dtype"], "float32");
  EXPECT_EQ(c["kernel_initializer"], "glorot_uniform");
  auto bn = layers::BatchNormalization()->get_config();
  EXPECT_EQ(bn["momentum"], 0.99);
  EXPECT_EQ(bn["epsilon"], 1e-3);
  EXPECT_EQ(layers::LayerNormalization()->get_config()["epsilon"], 1e-3);
  EXPECT_EQ(layers::MaxPooling2D({3, 3})->get_config()["strides"], nlohmann::json({3, 3}));
}

}  // namespace
}  // namespace deepfin
