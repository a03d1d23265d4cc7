// Sequential: building, summary, weights, config, and the DESIGN.md §5 snippet.
#include <gtest/gtest.h>

#include <filesystem>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::same_bits;

Sequential seed_cnn() {
  return Sequential({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(10, {.activation = "softmax"}),
  });
}

TEST(Sequential, SeedCnnSummaryMatchesKeras) {
  nn::clear_session();
  Sequential model = seed_cnn();
  ASSERT_TRUE(model.built());
  EXPECT_EQ(model.count_params(), 54410);
  EXPECT_EQ(model.output_shape(), Shape{10});
  const std::string s = model.summary();
  for (const char* needle :
       {"Model: \"sequential\"", "Layer (type)", "Output Shape", "Param #", "conv2d (Conv2D)", "(None, 26, 26, 32)",
        "320", "max_pooling2d (MaxPooling2D)  (None, 13, 13, 32)",  // columns never run together
        "flatten (Flatten)", "(None, 5408)", "dense (Dense)", "(None, 10)", "54,090", "Total params: 54,410",
        "Trainable params: 54,410", "Non-trainable params: 0"})
    EXPECT_NE(s.find(needle), std::string::npos) << needle << "\n" << s;
}

TEST(Sequential, BuildsLazilyFromTheFirstBatchAndCountsNonTrainable) {
  Sequential model({layers::Dense(4), layers::BatchNormalization(), layers::Dense(2)});
  EXPECT_FALSE(model.built());
  Tensor y = model(zeros({3, 5}));
  EXPECT_TRUE(model.built());
  EXPECT_EQ(y.shape(), (Shape{3, 2}));
  EXPECT_EQ(model.count_params(), 24 + 16 + 10);
  EXPECT_EQ(model.count_trainable_params(), 24 + 8 + 10);
  EXPECT_NE(model.summary().find("Non-trainable params: 8"), std::string::npos) << model.summary();
  EXPECT_EQ(model.parameter_arena().size(), 42);
}

TEST(Sequential, InputLayerDeclaresTheShapeAndDuplicateNamesAreRejected) {
  Sequential model({layers::Input({6}), layers::Dense(3, {.name = "h"})});
  EXPECT_TRUE(model.built());
  EXPECT_EQ(model.input_shape(), Shape{6});
  EXPECT_THROW_WITH(model.add(layers::Dense(2, {.name = "h"})), ValueError, "unique");
  model.add(layers::Dense(2));  // a built model builds what it gains
  EXPECT_EQ(model.output_shape(), Shape{2});
  EXPECT_EQ(model.predict(ones({2, 6})).shape(), (Shape{2, 2}));
}

TEST(Sequential, GetAndSetWeightsRoundTripAndCheckShapes) {
  set_random_seed(1);
  Sequential a({layers::Dense(3, {.input_shape = {4}}), layers::Dense(2, {.name = "out"})});
  set_random_seed(2);
  Sequential b({layers::Dense(3, {.input_shape = {4}}), layers::Dense(2)});
  Tensor x = rand_uniform({5, 4}, -1, 1);
  EXPECT_FALSE(same_bits(a.predict(x), b.predict(x)));
  b.set_weights(a.get_weights());
  EXPECT_TRUE(same_bits(a.predict(x), b.predict(x)));
  // The weights stay bound to b's arena: writing the arena changes b's output.
  b.parameter_arena().params<float>()[0] += 1.0f;
  EXPECT_FALSE(same_bits(a.predict(x), b.predict(x)));

  auto w = a.get_weights();
  ASSERT_EQ(w.size(), 4u);
  w[2] = zeros({3, 5});
  EXPECT_THROW_WITH(a.set_weights(w), ShapeError, "out");
  EXPECT_THROW_WITH(a.set_weights({w[0]}), ShapeError, "4 weight tensors");
}

TEST(Sequential, ConfigRoundTripRebuildsTheSameArchitecture) {
  Sequential model({layers::Conv2D(4, {3, 3}, {.padding = "same", .input_shape = {6, 6, 2}}),
                    layers::BatchNormalization(), layers::AveragePooling2D({2, 2}), layers::GlobalAveragePooling2D(),
                    layers::Dropout(0.3), layers::Dense(3, {.activation = "softmax"})});
  auto copy = models::Sequential::from_config(nlohmann::json::parse(model.get_config().dump()));
  ASSERT_TRUE(copy->built());
  EXPECT_EQ(copy->get_config(), model.get_config());
  copy->set_weights(model.get_weights());
  Tensor x = rand_uniform({2, 6, 6, 2}, -1, 1);
  EXPECT_TRUE(same_bits(copy->predict(x), model.predict(x)));
}

Tensor random_one_hot(int64_t n, Generator& gen) {
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (auto& l : labels) l = static_cast<int64_t>(gen.below(10));
  return one_hot(from_vector(labels, {n}), 10);
}

TEST(Sequential, DesignSnippetRunsOnRandomData) {
  set_random_seed(42);
  Generator gen(7);
  // DESIGN.md §5 as written, with random stand-ins for Fashion-MNIST and tiny sizes.
  Tensor x_train = rand_uniform({64, 28, 28, 1}), x_test = rand_uniform({16, 28, 28, 1});
  Tensor y_train = random_one_hot(64, gen), y_test = random_one_hot(16, gen);
  const std::string path = testing::temp_path("fashion_cnn.safetensors");

  Sequential model({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(10, {.activation = "softmax"}),
  });
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.001}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  History h = model.fit(x_train, y_train, {.epochs = 2, .batch_size = 32, .validation_data = {{x_test, y_test}}});
  Tensor probs = model.predict(x_test);
  model.save(path);

  ASSERT_EQ(h.history.at("loss").size(), 2u);
  for (const char* key : {"accuracy", "val_loss", "val_accuracy"}) EXPECT_EQ(h.history.at(key).size(), 2u) << key;
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1}));
  ASSERT_EQ(probs.shape(), (Shape{16, 10}));
  for (int64_t i = 0; i < 16; ++i) {
    double row = 0;
    for (int64_t c = 0; c < 10; ++c) row += probs.at({i, c});
    EXPECT_NEAR(row, 1.0, 1e-5);
  }
  auto loaded = load_model(path);
  EXPECT_TRUE(same_bits(loaded->predict(x_test), probs));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace deepfin
