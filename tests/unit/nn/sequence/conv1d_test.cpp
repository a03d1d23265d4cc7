// Conv1D: a hand-computed case, a brute-force reference over a grid of paddings,
// strides and dilations, float64 gradient checks, config round trip and errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

// Direct definition of a Keras Conv1D: y[n, t, f] = b[f] + sum_{j, c} xpad[n, t*s + j*d, c] * K[j, c, f],
// where xpad has `before` zeros in front of x (and zeros past its end).
Tensor brute_conv1d(const Tensor& x, const Tensor& kernel, const Tensor& bias, int64_t stride, int64_t dilation,
                    const std::string& padding) {
  const int64_t n = x.size(0), steps = x.size(1), in_f = x.size(2), k = kernel.size(0), filters = kernel.size(2);
  const int64_t span = dilation * (k - 1) + 1;
  int64_t out_steps = 0, before = 0;
  if (padding == "valid") {
    out_steps = (steps - span) / stride + 1;
  } else {
    out_steps = (steps + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out_steps - 1) * stride + span - steps, 0);
    before = padding == "causal" ? span - 1 : total / 2;
  }
  const auto xv = x.to_vector<double>(), kv = kernel.to_vector<double>(), bv = bias.to_vector<double>();
  std::vector<double> y(static_cast<size_t>(n * out_steps * filters));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t t = 0; t < out_steps; ++t)
      for (int64_t f = 0; f < filters; ++f) {
        double acc = bv[f];
        for (int64_t j = 0; j < k; ++j) {
          const int64_t src = t * stride + j * dilation - before;
          if (src < 0 || src >= steps) continue;
          for (int64_t c = 0; c < in_f; ++c) acc += xv[(b * steps + src) * in_f + c] * kv[(j * in_f + c) * filters + f];
        }
        y[(b * out_steps + t) * filters + f] = acc;
      }
  return from_vector(y, {n, out_steps, filters});
}

TEST(Conv1D, HandComputedCausalDifference) {
  // kernel [-1, 1] on one feature: y[t] = x[t] - x[t-1], with x[-1] = 0 under causal padding.
  auto layer = layers::Conv1D(1, 2, {.padding = "causal", .use_bias = false, .dtype = f64});
  layer->build({4, 1});
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{-1, 1}, {2, 1, 1}));
  const Tensor y = layer->call(from_vector(std::vector<double>{1, 4, 9, 16}, {1, 4, 1}));
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{1, 3, 5, 7}));
}

TEST(Conv1D, HandComputedValidWithBiasAndTwoFeatures) {
  // y[t] = x0[t] + 2*x1[t+1] + 10; valid output has T - 1 = 2 steps.
  auto layer = layers::Conv1D(1, 2, {.dtype = f64});
  layer->build({3, 2});
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{1, 0, 0, 2}, {2, 2, 1}));
  nn::assign_values(layer->weights()[1].value, from_vector(std::vector<double>{10}, {1}));
  const Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {1, 3, 2});  // x0 = 1,3,5; x1 = 2,4,6
  EXPECT_EQ(layer->call(x).to_vector<double>(), (std::vector<double>{1 + 8 + 10, 3 + 12 + 10}));
}

TEST(Conv1D, MatchesBruteForceOverPaddingsStridesDilations) {
  Generator gen(11);
  for (const std::string padding : {"valid", "same", "causal"})
    for (int64_t k : {1, 2, 3})
      for (int64_t stride : {1, 2, 3})
        for (int64_t dilation : {1, 2}) {
          for (int64_t steps : {7, 8}) {
            SCOPED_TRACE(fmt::format("{} k={} s={} d={} T={}", padding, k, stride, dilation, steps));
            auto layer =
                layers::Conv1D(3, k, {.strides = stride, .padding = padding, .dilation_rate = dilation, .dtype = f64});
            layer->build({steps, 2});
            nn::assign_values(layer->weights()[1].value, random_double({3}, gen));
            const Tensor x = random_double({2, steps, 2}, gen);
            const Tensor expected =
                brute_conv1d(x, layer->weight("kernel"), layer->weight("bias"), stride, dilation, padding);
            EXPECT_TRUE(testing::all_close(layer->call(x), expected, 1e-12, 1e-12));
            EXPECT_EQ(layer->output_shape(), Shape(expected.shape().begin() + 1, expected.shape().end()));
          }
        }
}

TEST(Conv1D, Float32MatchesFloat64) {
  Generator gen(12);
  auto l64 = layers::Conv1D(4, 3, {.padding = "causal", .dilation_rate = 2, .activation = "tanh", .dtype = f64});
  auto l32 = layers::Conv1D(4, 3, {.padding = "causal", .dilation_rate = 2, .activation = "tanh"});
  const Tensor x = random_double({3, 9, 5}, gen);
  l64->build({9, 5});
  l32->build({9, 5});
  testing::copy_weights(*l64, *l32);
  EXPECT_TRUE(testing::all_close(l32->call(x.to(DType::float32)), l64->call(x), 1e-5, 1e-4));
}

TEST(Conv1D, GradcheckEveryPadding) {
  Generator gen(13);
  auto valid = layers::Conv1D(2, 3, {.strides = 2, .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*valid, random_double({2, 7, 3}, gen)));
  auto same = layers::Conv1D(2, 2, {.padding = "same", .dilation_rate = 2, .activation = "tanh", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*same, random_double({2, 5, 2}, gen)));
  auto causal = layers::Conv1D(3, 3, {.padding = "causal", .use_bias = false, .dtype = f64});
  // A strided (transposed) input view.
  EXPECT_TRUE(gradcheck_layer(*causal, random_double({2, 3, 6}, gen).transpose(1, 2)));
}

TEST(Conv1D, ShapesAndWeightLayout) {
  auto layer = layers::Conv1D(8, 5, {.strides = 2, .padding = "causal", .input_shape = {30, 4}});
  layer->build({30, 4});
  EXPECT_EQ(layer->output_shape(), (Shape{15, 8}));
  EXPECT_EQ(layer->weight("kernel").shape(), (Shape{5, 4, 8}));
  EXPECT_EQ(layer->weight("bias").shape(), (Shape{8}));
  EXPECT_EQ(layer->count_params(), 5 * 4 * 8 + 8);
  EXPECT_EQ(layer->compute_output_shape({10, 4}), (Shape{5, 8}));
  EXPECT_EQ(layers::Conv1D(2, 3)->compute_output_shape({10, 1}), (Shape{8, 2}));
  EXPECT_EQ(layers::Conv1D(2, 3, {.dilation_rate = 3})->compute_output_shape({10, 1}), (Shape{4, 2}));
  EXPECT_EQ(layers::Conv1D(2, 3, {.strides = 3, .padding = "same"})->compute_output_shape({10, 1}), (Shape{4, 2}));
}

TEST(Conv1D, ConfigRoundTrip) {
  auto layer = layers::Conv1D(6, 3,
                              {.strides = 2,
                               .padding = "causal",
                               .dilation_rate = 1,
                               .activation = "relu",
                               .use_bias = false,
                               .kernel_initializer = "he_normal",
                               .name = "c1",
                               .input_shape = {12, 3}});
  const nlohmann::json config = layer->get_config();
  EXPECT_EQ(config.at("kernel_size"), nlohmann::json::array({3}));  // Keras writes one-element lists
  EXPECT_EQ(config.at("padding"), "causal");
  auto rebuilt = nn::layer_from_config(nn::serialize(*layer));
  EXPECT_EQ(rebuilt->class_name(), "Conv1D");
  EXPECT_EQ(rebuilt->get_config(), config);
  // Plain integers (job files) read the same.
  nlohmann::json plain = config;
  plain["kernel_size"] = 3;
  plain["strides"] = 2;
  plain["dilation_rate"] = 1;
  EXPECT_EQ(nn::layer_from_config({{"class_name", "Conv1D"}, {"config", plain}})->get_config(), config);
}

TEST(Conv1D, ClearErrors) {
  using testing::bit_identical;
  EXPECT_THROW_WITH(layers::Conv1D(2, 3, {.padding = "full"}), ConfigError, "unknown padding 'full'");
  EXPECT_THROW_WITH(layers::Conv1D(0, 3), ValueError, "filters must be positive");
  EXPECT_THROW_WITH(layers::Conv1D(2, 0), ValueError, "kernel_size, strides and dilation_rate must be positive");
  EXPECT_THROW_WITH(layers::Conv1D(2, 3, {.name = "c"})->build({5, 2, 1}), ShapeError,
                    "expected input shape (steps, features)");
  // Kernel span 1 + 2 * (3 - 1) = 5 does not fit 4 valid steps; causal padding makes it fit.
  EXPECT_THROW_WITH(layers::Conv1D(2, 3, {.dilation_rate = 2})->build({4, 2}), ShapeError,
                    "4 steps, fewer than the kernel's span 5");
  EXPECT_EQ(layers::Conv1D(2, 3, {.padding = "causal", .dilation_rate = 2})->compute_output_shape({4, 2}),
            (Shape{4, 2}));
  auto layer = layers::Conv1D(2, 3);
  layer->build({6, 2});
  EXPECT_THROW_WITH(layer->call(zeros({1, 6, 3})), ShapeError, "expected input shape");
  nlohmann::json bad = {{"class_name", "Conv1D"}, {"config", {{"filters", 2}, {"kernel_size", {3, 3}}}}};
  EXPECT_THROW_WITH(nn::layer_from_config(bad), ConfigError, "one-element list");
}

}  // namespace
}  // namespace deepfin
