// TransformerEncoder: shapes and weight names, invariants of both norm orders, the
// padding mask, float64 gradient checks, dropout, config and save/load round trips,
// clear errors, and a small model that learns "does the sequence contain token 7".
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "deepfin/deepfin.h"
#include "deepfin/io/safetensors.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/normalization.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;
using L = std::vector<std::shared_ptr<nn::Layer>>;
using testing::f64;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("deepfin_tf_" + std::to_string(::getpid()) + "_" + name)).string();
}

void set_weight(nn::Layer& layer, const std::string& name, const Tensor& value) {
  for (nn::Weight& w : layer.weights())
    if (w.name == name) return nn::assign_values(w.value, value);
  FAIL() << "no weight " << name;
}

TEST(TransformerEncoder, ShapesAndWeightNames) {
  auto layer = layers::TransformerEncoder(2, 16);
  const Tensor y = layer->call(zeros({3, 5, 8}));
  EXPECT_EQ(y.shape(), (Shape{3, 5, 8}));
  std::vector<std::string> names;
  for (const nn::Weight& w : layer->weights()) names.push_back(w.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "self_attention/query_kernel", "self_attention/query_bias", "self_attention/key_kernel",
                "self_attention/key_bias", "self_attention/value_kernel", "self_attention/value_bias",
                "self_attention/output_kernel", "self_attention/output_bias", "self_attention_layer_norm/gamma",
                "self_attention_layer_norm/beta", "feedforward_intermediate_dense/kernel",
                "feedforward_intermediate_dense/bias", "feedforward_output_dense/kernel",
                "feedforward_output_dense/bias", "feedforward_layer_norm/gamma", "feedforward_layer_norm/beta"}));
  EXPECT_EQ(layer->weight("self_attention/query_kernel").shape(), (Shape{8, 2, 4}));  // key_dim = 8 / 2
  // 4 projections (8*8 + 8), LN 2*8, FFN 8*16 + 16 + 16*8 + 8, LN 2*8.
  EXPECT_EQ(layer->count_params(), 4 * 72 + 16 + 144 + 136 + 16);
}

TEST(TransformerEncoder, PostNormRowsAreNormalized) {
  set_random_seed(1);
  auto layer = layers::TransformerEncoder(2, 6, {.dtype = f64});
  Generator gen(2);
  const Tensor y = layer->call(random_double({2, 4, 6}, gen, -2, 2));
  // The last step is LN2 with gamma 1, beta 0: every row has mean 0 and variance 1 / (1 + eps / var).
  EXPECT_TRUE(all_close(mean(y, {-1}), zeros({2, 4}, f64), 1e-12, 0));
  EXPECT_TRUE(all_close(var(y, {-1}), ones({2, 4}, f64), 1e-3, 0));
}

TEST(TransformerEncoder, PreNormWithZeroOutputProjectionsIsTheIdentity) {
  set_random_seed(3);
  auto layer = layers::TransformerEncoder(2, 6, {.norm_first = true, .dtype = f64});
  Generator gen(4);
  const Tensor x = random_double({2, 4, 6}, gen, -2, 2);
  layer->build({4, 6});
  // Both residual branches end in a projection; with it zero each branch adds nothing.
  for (const char* w : {"self_attention/output_kernel", "feedforward_output_dense/kernel"})
    set_weight(*layer, w, zeros(layer->weight(w).shape(), f64));
  EXPECT_TRUE(testing::bit_identical(layer->call(x), x));
  // The post-norm block with the same weights is LN2(LN1(x)), not x.
  auto post = layers::TransformerEncoder(2, 6, {.dtype = f64});
  post->build({4, 6});
  testing::copy_weights(*layer, *post);
  const Tensor once = layer_norm(x, {}, {}, 1e-5);
  EXPECT_TRUE(all_close(post->call(x), layer_norm(once, {}, {}, 1e-5), 1e-12, 1e-12));
}

TEST(TransformerEncoder, GradcheckBothNormOrders) {
  for (bool norm_first : {false, true}) {
    for (const char* activation : {"gelu", "relu"}) {
      SCOPED_TRACE(::testing::Message() << "norm_first " << norm_first << " " << activation);
      set_random_seed(5);
      auto layer = layers::TransformerEncoder(2, 5, {.norm_first = norm_first, .activation = activation, .dtype = f64});
      Generator gen(6);
      EXPECT_TRUE(testing::gradcheck_layer(*layer, random_double({2, 3, 4}, gen)));
    }
  }
}

TEST(TransformerEncoder, GradcheckWithPaddingMask) {
  set_random_seed(7);
  auto layer = layers::TransformerEncoder(2, 5, {.key_dim = 3, .dtype = f64});
  Generator gen(8);
  const Tensor x = random_double({2, 4, 4}, gen);
  layer->build({4, 4});
  const Tensor mask = from_vector(std::vector<double>{1, 1, 1, 0, 1, 1, 0, 0}, {2, 4});
  EXPECT_TRUE(testing::gradcheck([&](const std::vector<Tensor>& in) { return layer->call_masked(in[0], mask); }, {x}));
}

// Padding steps do not change the encoding of the real steps: the keys are masked.
TEST(TransformerEncoder, PaddingMaskHidesPaddedSteps) {
  for (bool norm_first : {false, true}) {
    set_random_seed(9);
    auto layer = layers::TransformerEncoder(2, 8, {.norm_first = norm_first, .dtype = f64});
    Generator gen(10);
    const Tensor real = random_double({1, 3, 4}, gen);
    const Tensor padded = concat({real, random_double({1, 2, 4}, gen)}, 1);
    const Tensor mask = from_vector(std::vector<double>{1, 1, 1, 0, 0}, {1, 5});
    auto short_layer = layers::TransformerEncoder(2, 8, {.norm_first = norm_first, .dtype = f64});
    short_layer->build({3, 4});
    layer->build({5, 4});
    testing::copy_weights(*layer, *short_layer);
    const Tensor want = short_layer->call(real);
    EXPECT_TRUE(all_close(layer->call_masked(padded, mask).slice(1, 0, 3), want, 1e-12, 1e-10));
    EXPECT_FALSE(all_close(layer->call(padded).slice(1, 0, 3), want, 1e-6, 1e-6));  // the mask matters
    EXPECT_TRUE(testing::bit_identical(layer->compute_mask(padded, mask), mask));
  }
}

TEST(TransformerEncoder, DropoutOnlyWhileTraining) {
  set_random_seed(11);
  auto layer = layers::TransformerEncoder(2, 8, {.dropout = 0.5});
  const Tensor x = rand_uniform({2, 4, 4}, -1, 1);
  EXPECT_TRUE(testing::bit_identical(layer->call(x), layer->call(x)));
  EXPECT_FALSE(all_close(layer->call(x, /*training=*/true), layer->call(x), 1e-3, 1e-3));
}

TEST(TransformerEncoder, ClearErrors) {
  auto layer = layers::TransformerEncoder(3, 8, {.name = "enc"});
  try {
    layer->call(zeros({1, 2, 8}));
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("TransformerEncoder 'enc': d_model 8 (input shape (2, 8)) is not divisible "
                                         "by num_heads 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(layers::TransformerEncoder(3, 8, {.key_dim = 4})->call(zeros({1, 2, 8})).shape(), (Shape{1, 2, 8}));
  EXPECT_THROW(layers::TransformerEncoder(0, 8), ConfigError);
  EXPECT_THROW(layers::TransformerEncoder(2, 8, {.dropout = 1.0}), ConfigError);
  EXPECT_THROW(layers::TransformerEncoder(2, 8, {.activation = "swishy"}), ConfigError);
}

TEST(TransformerEncoder, ConfigRoundTrip) {
  auto layer = layers::TransformerEncoder(
      4, 32, {.key_dim = 8, .dropout = 0.1, .norm_first = true, .activation = "relu", .layer_norm_epsilon = 1e-6});
  const nlohmann::json config = nn::serialize(*layer);
  EXPECT_EQ(config["class_name"], "TransformerEncoder");
  EXPECT_EQ(config["config"]["norm_first"], true);
  EXPECT_EQ(config["config"]["key_dim"], 8);
  EXPECT_EQ(nn::serialize(*nn::layer_from_config(config)), config);
  EXPECT_TRUE(nn::serialize(*layers::TransformerEncoder(2, 4))["config"]["key_dim"].is_null());
}

// Token sequences of length 8 over ids 1..9, padded with 0 to random lengths 3..8;
// label 1 when token 7 occurs.
void contains_seven_data(int64_t n, uint64_t seed, Tensor& x, Tensor& y) {
  constexpr int64_t kSteps = 8;
  Generator gen(seed);
  std::vector<int64_t> ids(static_cast<size_t>(n * kSteps), 0);
  std::vector<float> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t length = 3 + static_cast<int64_t>(gen.below(kSteps - 2));
    const bool positive = i % 2 == 1;
    for (int64_t t = 0; t < length; ++t) {
      int64_t id = 1 + static_cast<int64_t>(gen.below(8));  // 1..8
      if (id == 7) id = 9;                                  // 7 only where planted
      ids[static_cast<size_t>(i * kSteps + t)] = id;
    }
    if (positive) ids[static_cast<size_t>(i * kSteps + static_cast<int64_t>(gen.below(length)))] = 7;
    labels[static_cast<size_t>(i)] = positive ? 1.f : 0.f;
  }
  x = from_vector(ids, {n, kSteps});
  y = from_vector(labels, {n, 1});
}

std::shared_ptr<Sequential> tiny_transformer() {
  return std::make_shared<Sequential>(L{layers::Embedding(10, 16, {.mask_zero = true, .input_shape = {8}}),
                                        layers::PositionalEmbedding(8), layers::TransformerEncoder(2, 32),
                                        layers::GlobalAveragePooling1D(), layers::Dense(2, {.activation = "softmax"})});
}

TEST(TransformerEncoder, LearnsWhetherASequenceContainsTokenSeven) {
  set_random_seed(12);
  nn::clear_session();
  Tensor x, y, x_test, y_test;
  contains_seven_data(256, 13, x, y);
  contains_seven_data(256, 14, x_test, y_test);
  auto model = tiny_transformer();
  model->compile({.optimizer = optim::Adam({.learning_rate = 3e-3}),
                  .loss = "sparse_categorical_crossentropy",
                  .metrics = {"accuracy"}});
  model->fit(x, y, {.epochs = 8, .batch_size = 32, .verbose = 0});
  EXPECT_GT(model->evaluate(x_test, y_test).at("accuracy"), 0.95);
}

TEST(TransformerEncoder, SaveLoadIsBitIdenticalWithStableKeys) {
  set_random_seed(15);
  nn::clear_session();
  Tensor x, y;
  contains_seven_data(16, 16, x, y);
  auto model = tiny_transformer();
  model->compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  model->fit(x, y, {.epochs = 1, .batch_size = 8, .verbose = 0});
  const std::string path = temp_path("model.safetensors");
  model->save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->get_config(), model->get_config());
  EXPECT_TRUE(testing::bit_identical(loaded->predict(x), model->predict(x)));
  std::vector<std::string> names;
  for (const auto& [name, t] : io::load_safetensors(path).tensors) names.push_back(name);
  for (const char* expected : {"layers/embedding/embeddings", "layers/positional_embedding/position_embeddings",
                               "layers/transformer_encoder/self_attention/query_kernel",
                               "layers/transformer_encoder/feedforward_layer_norm/beta"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace deepfin
