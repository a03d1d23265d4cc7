// Per-example gradients of every trainable layer, in float64, against one
// backward pass per example through the same layers; and their sum against the
// ordinary batch gradient.
#include "deepfin/privacy/per_sample_gradients.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layers.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"
#include "privacy/conv_patches.h"

namespace deepfin::privacy {
namespace {

using Layers = std::vector<std::shared_ptr<nn::Layer>>;
constexpr DType f64 = DType::float64;

double max_abs_diff(const Tensor& a, const Tensor& b) {
  const auto va = a.contiguous().to_vector<double>(), vb = b.contiguous().to_vector<double>();
  EXPECT_EQ(va.size(), vb.size());
  double m = 0.0;
  for (size_t i = 0; i < va.size() && i < vb.size(); ++i) m = std::max(m, std::abs(va[i] - vb[i]));
  return m;
}

// loss = sum(output * r): a different output gradient for every example and position.
void expect_per_example_gradients_match(const Layers& layers, const Tensor& x) {
  Generator gen(7);
  LayerwiseForward pass(layers);
  const Tensor out = pass.forward(x, /*training=*/false, /*skip_final_activation=*/false);
  const Tensor r = randn(out.shape(), f64, 0.0, 1.0, &gen);
  pass.backward(sum(mul(out, r)), Tensor());

  std::vector<std::vector<Tensor>> per_example;
  std::vector<std::vector<Tensor>> batch_grads;
  for (const auto& record : pass.records()) {
    per_example.push_back(per_sample_gradients(record));
    std::vector<Tensor> grads;
    for (const Tensor& w : record.layer->trainable_weights()) grads.push_back(w.grad().clone());
    batch_grads.push_back(grads);
  }
  int checked = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto weights = layers[l]->trainable_weights();
    ASSERT_EQ(per_example[l].size(), weights.size()) << layers[l]->name();
    for (size_t k = 0; k < weights.size(); ++k) {
      // The examples' gradients add up to the batch gradient.
      EXPECT_LT(max_abs_diff(sum(per_example[l][k], {0}), batch_grads[l][k]), 1e-10) << layers[l]->name() << " " << k;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);

  for (int64_t i = 0; i < x.size(0); ++i) {
    for (const auto& layer : layers)
      for (Tensor w : layer->trainable_weights()) w.zero_grad();
    Tensor h = x.slice(0, i, i + 1);
    for (const auto& layer : layers) h = layer->call(h, false);
    sum(mul(h, r.slice(0, i, i + 1))).backward();
    for (size_t l = 0; l < layers.size(); ++l) {
      const auto weights = layers[l]->trainable_weights();
      for (size_t k = 0; k < weights.size(); ++k) {
        const Tensor expected = weights[k].grad().defined() ? weights[k].grad() : zeros_like(weights[k]);
        EXPECT_LT(max_abs_diff(per_example[l][k].select(0, i), expected), 1e-10)
            << layers[l]->name() << " weight " << k << " example " << i;
      }
    }
  }
}

Tensor random(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return randn(shape, f64, 0.0, 1.0, &gen);
}

TEST(PerSampleGradients, DenseOnRowsByGoodfellowsRule) {
  expect_per_example_gradients_match(
      {layers::Dense(3, {.activation = "tanh", .dtype = f64}), layers::Dense(2, {.dtype = f64})}, random({4, 5}, 1));
}

TEST(PerSampleGradients, DenseOnSequences) {
  expect_per_example_gradients_match({layers::Dense(3, {.dtype = f64})}, random({4, 6, 5}, 2));
}

TEST(PerSampleGradients, Conv2DThenDense) {
  expect_per_example_gradients_match(
      {layers::Conv2D(2, {3, 3}, {.padding = "same", .activation = "relu", .dtype = f64}), layers::Flatten(),
       layers::Dense(2, {.dtype = f64})},
      random({3, 6, 6, 2}, 3));
}

TEST(PerSampleGradients, SeedCnnShapeWithTheReluMovedPastThePool) {
  expect_per_example_gradients_match(
      {layers::Conv2D(4, {3, 3}, {.activation = "relu", .dtype = f64}), layers::MaxPooling2D({2, 2}), layers::Flatten(),
       layers::Dense(3, {.dtype = f64})},
      random({3, 8, 8, 1}, 25));
}

TEST(PerSampleGradients, Conv1DCausal) {
  expect_per_example_gradients_match({layers::Conv1D(3, 2, {.padding = "causal", .dtype = f64})}, random({3, 7, 4}, 4));
}

TEST(PerSampleGradients, ConvolutionsWithStridesDilationAndPadding) {
  expect_per_example_gradients_match(
      {layers::Conv2D(3, {3, 2}, {.strides = {2, 1}, .padding = "valid", .dilation_rate = {1, 2}, .dtype = f64})},
      random({3, 9, 8, 2}, 20));
  expect_per_example_gradients_match({layers::Conv2D(2, {2, 3}, {.strides = {2, 2}, .padding = "same", .dtype = f64})},
                                     random({2, 7, 6, 3}, 21));
  expect_per_example_gradients_match({layers::Conv1D(2, 3, {.strides = 2, .padding = "same", .dtype = f64})},
                                     random({3, 9, 2}, 22));
}

TEST(PerSampleGradients, ConvolutionsUseThePatchesNotALoop) {
  // The batched path reads every geometry above; a nullopt here would mean the slow per-example loop.
  auto conv2d = layers::Conv2D(3, {3, 2}, {.strides = {2, 1}, .padding = "same", .dilation_rate = {1, 2}});
  const Tensor x = random({2, 9, 8, 2}, 23).to(DType::float32);
  const Tensor y = conv2d->call(x);
  const auto patches = detail::conv_patches(*conv2d, x, y.shape());
  ASSERT_TRUE(patches.has_value());
  EXPECT_EQ(patches->shape(), (Shape{2, y.size(1) * y.size(2), 3 * 2 * 2}));
  auto conv1d = layers::Conv1D(2, 3, {.padding = "causal", .dilation_rate = 2});
  const Tensor s = random({2, 9, 2}, 24).to(DType::float32);
  EXPECT_TRUE(detail::conv_patches(*conv1d, s, conv1d->call(s).shape()).has_value());
}

TEST(PerSampleGradients, EmbeddingWithRepeatedIds) {
  // Example 0 uses id 3 three times: its rows add up before the norm is taken.
  const Tensor ids =
      from_vector(std::vector<double>{3, 3, 1, 3, 0, 9, 2, 2, 5, 6, 7, 8, 1, 1, 1, 1, 4, 4, 0, 0, 9, 9, 8, 8}, {4, 6})
          .to(f64);
  expect_per_example_gradients_match(
      {layers::Embedding(10, 4, {.dtype = f64}), layers::GlobalAveragePooling1D(), layers::Dense(2, {.dtype = f64})},
      ids);
}

TEST(PerSampleGradients, EmbeddingNormsAndClippedSumWithoutMaterializing) {
  const Tensor ids = from_vector(std::vector<double>{3, 3, 1, 0, 2, 2}, {2, 3}).to(f64);
  LayerwiseForward pass({layers::Embedding(5, 3, {.dtype = f64})});
  const Tensor out = pass.forward(ids, false, false);
  pass.backward(sum(mul(out, random(out.shape(), 9))), Tensor());
  const auto g = layer_gradients(pass.records()[0]);
  const auto full = per_sample_gradients(pass.records()[0]);
  const auto norms = g->squared_norms();
  for (int64_t i = 0; i < 2; ++i) {
    const double expected = sum(square(full[0].select(0, i))).item();
    EXPECT_NEAR(norms[static_cast<size_t>(i)], expected, 1e-12);
  }
  const Tensor weighted = g->weighted_sum({0.25, 2.0})[0];
  const Tensor expected = add(mul(full[0].select(0, 0), 0.25), mul(full[0].select(0, 1), 2.0));
  EXPECT_LT(max_abs_diff(weighted, expected), 1e-12);
}

TEST(PerSampleGradients, CategoricalEmbedding) {
  Tensor x = random({4, 3}, 5);
  for (int64_t i = 0; i < 4; ++i) x.set({i, 0}, static_cast<double>(i % 3));
  expect_per_example_gradients_match(
      {layers::CategoricalEmbedding({{.feature = 0, .cardinality = 3, .output_dim = 2}}, {.dtype = f64}),
       layers::Dense(2, {.dtype = f64})},
      x);
}

TEST(PerSampleGradients, RecurrentLayers) {
  expect_per_example_gradients_match({layers::SimpleRNN(3, {.dtype = f64})}, random({3, 5, 4}, 6));
  expect_per_example_gradients_match(
      {layers::LSTM(3, {.return_sequences = true, .dtype = f64}), layers::GRU(2, {.dtype = f64})},
      random({3, 5, 4}, 7));
  expect_per_example_gradients_match({layers::Bidirectional(layers::LSTM(2, {.dtype = f64}))}, random({3, 5, 4}, 8));
}

TEST(PerSampleGradients, AttentionLayerNormAndTransformerEncoder) {
  expect_per_example_gradients_match({layers::MultiHeadAttention(2, 3, {.dtype = f64})}, random({3, 5, 4}, 10));
  expect_per_example_gradients_match({layers::LayerNormalization({.dtype = f64})}, random({3, 5, 4}, 11));
  expect_per_example_gradients_match({layers::LayerNormalization({.dtype = f64}), layers::Dense(2, {.dtype = f64})},
                                     random({4, 5}, 12));
  expect_per_example_gradients_match({layers::TransformerEncoder(2, 8, {.dtype = f64})}, random({3, 5, 4}, 13));
}

TEST(ClipAndSum, EveryExampleEndsWithinTheNormAndSmallOnesAreUntouched) {
  const Layers net = {layers::Dense(4, {.activation = "relu", .dtype = f64}), layers::Dense(3, {.dtype = f64})};
  Tensor x = random({6, 5}, 14);
  for (int64_t j = 0; j < 5; ++j) x.set({0, j}, 100.0);  // one example with a huge gradient
  LayerwiseForward pass(net);
  const Tensor out = pass.forward(x, false, false);
  pass.backward(sum(mul(out, random(out.shape(), 15))), Tensor());
  std::vector<std::vector<Tensor>> per_example;
  for (const auto& r : pass.records()) per_example.push_back(per_sample_gradients(r));

  for (const Clipping clipping : {Clipping::flat, Clipping::per_layer}) {
    const double bound = 0.5;
    const ClippedSum clipped = clip_and_sum(pass, bound, clipping);
    ASSERT_EQ(clipped.norms.size(), 6u);
    EXPECT_GT(clipped.norms[0], 10.0);
    EXPECT_GE(clipped.clipped, 1);
    // Rebuild each example's clipped gradient from the materialized ones and check its norm.
    Tensor expected_sum_first;
    for (int64_t i = 0; i < 6; ++i) {
      double total = 0.0;
      for (size_t l = 0; l < per_example.size(); ++l) {
        double layer_sq = 0.0;
        for (const Tensor& g : per_example[l]) layer_sq += sum(square(g.select(0, i))).item();
        const double layer_bound = bound / std::sqrt(2.0);
        const double f = clipping == Clipping::flat
                             ? std::min(1.0, bound / (clipped.norms[static_cast<size_t>(i)] + 1e-6))
                             : std::min(1.0, layer_bound / (std::sqrt(layer_sq) + 1e-6));
        total += f * f * layer_sq;
      }
      EXPECT_LE(std::sqrt(total), bound * (1.0 + 1e-9)) << "example " << i;
    }
  }
  // With a bound no example reaches, the clipped sum is the plain batch gradient.
  const ClippedSum loose = clip_and_sum(pass, 1e9, Clipping::flat);
  EXPECT_EQ(loose.clipped, 0);
  for (size_t k = 0; k < loose.weights.size(); ++k)
    EXPECT_LT(max_abs_diff(loose.gradients[k], loose.weights[k].grad()), 1e-9);
}

TEST(CheckLayers, RefusesLayersThatMixExamplesAndSharedWeights) {
  try {
    check_layers({layers::Dense(3), layers::BatchNormalization()});
    FAIL() << "BatchNormalization accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("LayerNormalization"), std::string::npos) << e.what();
  }
  auto dense = layers::Dense(3);
  try {
    check_layers({dense, dense});
    FAIL() << "a layer used twice accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("used twice"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_layers({layers::Dense(3), layers::Dropout(0.5), layers::LayerNormalization()}));
}

}  // namespace
}  // namespace deepfin::privacy
