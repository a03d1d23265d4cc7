// Embedding: table lookups, shapes, mask_zero, clear errors for bad ids, config round
// trip, a float64 gradient check of the table, and int64 ids through fit/predict/evaluate.
#include <gtest/gtest.h>

#include "deepfin/deepfin.h"
#include "deepfin/nn/registry.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::f64;

// A (3, 2) table whose row i is (10 i, 10 i + 1).
std::shared_ptr<nn::Embedding> known_embedding(bool mask_zero = false) {
  auto layer = layers::Embedding(3, 2, {.mask_zero = mask_zero, .dtype = f64});
  layer->build({4});
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{0, 1, 10, 11, 20, 21}, {3, 2}));
  return layer;
}

TEST(Embedding, LooksUpRowsOfTheTable) {
  auto layer = known_embedding();
  const Tensor ids = from_vector(std::vector<double>{2, 0, 1, 1, 0, 0, 2, 2}, {2, 4});
  const Tensor y = layer->call(ids);
  EXPECT_EQ(y.shape(), (Shape{2, 4, 2}));
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{20, 21, 0, 1, 10, 11, 10, 11, 0, 1, 0, 1, 20, 21, 20, 21}));
  EXPECT_EQ(layer->output_shape(), (Shape{4, 2}));
  EXPECT_EQ(layer->count_params(), 6);
}

TEST(Embedding, MaskZeroMarksPadding) {
  auto layer = known_embedding(/*mask_zero=*/true);
  const Tensor ids = from_vector(std::vector<double>{2, 1, 0, 0, 0, 1, 0, 2}, {2, 4});
  EXPECT_EQ(layer->compute_mask(ids, {}).to_vector<double>(), (std::vector<double>{1, 1, 0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(layer->compute_mask(ids, {}).shape(), (Shape{2, 4}));
  auto plain = known_embedding(/*mask_zero=*/false);
  EXPECT_FALSE(plain->compute_mask(ids, {}).defined());
}

TEST(Embedding, GradientReachesOnlyTheLookedUpRows) {
  auto layer = known_embedding();
  Tensor& table = layer->weights()[0].value;
  table = table.detach().clone().set_requires_grad(true);
  const Tensor ids = from_vector(std::vector<double>{2, 2, 0, 2}, {1, 4});
  sum(layer->call(ids)).backward();
  EXPECT_EQ(table.grad().to_vector<double>(), (std::vector<double>{1, 1, 0, 0, 3, 3}));
}

TEST(Embedding, GradcheckOfTheTable) {
  Generator gen(9);
  const Tensor ids = from_vector(std::vector<int64_t>{1, 4, 4, 0, 2, 3}, {2, 3});
  EXPECT_TRUE(testing::gradcheck([&](const std::vector<Tensor>& in) { return embedding(in[0], ids); },
                                 {testing::random_double({5, 3}, gen)}));
}

TEST(Embedding, BadIdsNameLayerRowAndValue) {
  auto layer = layers::Embedding(5, 2, {.name = "tokens"});
  auto message_of = [&](const std::vector<float>& ids) {
    try {
      layer->call(from_vector(ids, {2, 2}));
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string too_big = message_of({1, 2, 3, 5});
  EXPECT_NE(too_big.find("Embedding 'tokens': row 1, position 1: token id 5 is not an integer in [0, 5)"),
            std::string::npos)
      << too_big;
  EXPECT_NE(message_of({1, -1, 3, 4}).find("row 0, position 1: token id -1"), std::string::npos);
  EXPECT_NE(message_of({1, 2, 2.5f, 4}).find("row 1, position 0: token id 2.5"), std::string::npos);
  EXPECT_NE(message_of({1, 2, 3, std::nanf("")}).find("token id nan"), std::string::npos);
  EXPECT_THROW(layers::Embedding(0, 2), ConfigError);
  EXPECT_THROW(layers::Embedding(4, 2, {.embeddings_initializer = "nope"}), ConfigError);
}

TEST(Embedding, ConfigRoundTrip) {
  nn::clear_session();
  auto layer = layers::Embedding(100, 8, {.mask_zero = true, .input_length = 12});
  EXPECT_EQ(layer->declared_input_shape(), (Shape{12}));
  const nlohmann::json config = nn::serialize(*layer);
  EXPECT_EQ(config["config"]["input_dim"], 100);
  EXPECT_EQ(config["config"]["mask_zero"], true);
  const auto rebuilt = nn::layer_from_config(config);
  EXPECT_EQ(nn::serialize(*rebuilt), config);
  EXPECT_TRUE(dynamic_cast<nn::Embedding&>(*rebuilt).mask_zero());
}

// A bag-of-ids classifier on int64 ids: fit, evaluate and predict take the ids
// as they are and give the same answers as the float ids.
TEST(Embedding, Int64IdsWorkThroughFitEvaluateAndPredict) {
  std::vector<int64_t> ids;
  std::vector<float> labels;
  for (int64_t i = 0; i < 32; ++i) {
    for (int64_t t = 0; t < 4; ++t) ids.push_back((i * 7 + t * 3) % 10);
    labels.push_back(static_cast<float>(i % 2));
  }
  const Tensor x = from_vector(ids, {32, 4}), y = from_vector(labels, {32, 1});
  auto make = [] {
    set_random_seed(11);
    nn::clear_session();
    auto model = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
        layers::Embedding(10, 3, {.input_shape = {4}}), layers::GlobalAveragePooling1D(),
        layers::Dense(1, {.activation = "sigmoid"})});
    model->compile({.optimizer = "adam", .loss = "binary_crossentropy"});
    return model;
  };
  auto with_int = make(), with_float = make();
  with_int->fit(x, y, {.epochs = 2, .batch_size = 8, .validation_data = {{x, y}}, .shuffle = false, .verbose = 0});
  with_float->fit(x.to(DType::float32), y, {.epochs = 2, .batch_size = 8, .shuffle = false, .verbose = 0});
  EXPECT_TRUE(testing::bit_identical(with_int->predict(x), with_float->predict(x.to(DType::float32))));
  EXPECT_EQ(with_int->evaluate(x, y).at("loss"), with_float->evaluate(x.to(DType::float32), y).at("loss"));
  EXPECT_THROW(with_int->predict(from_vector(std::vector<int64_t>{1, 2, 3, 1 << 25}, {1, 4})), ValueError);
}

}  // namespace
}  // namespace deepfin
