// save -> load_model round trips: architecture, weights (bit-identical
// predictions for every layer type), compile config and optimizer state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "deepfin/io/safetensors.h"
#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::same_bits;
using testing::temp_path;

// One small trained model per layer type.
std::vector<std::pair<std::string, std::function<std::unique_ptr<Sequential>()>>> models_per_layer() {
  using L = std::vector<std::shared_ptr<nn::Layer>>;
  auto make = [](L layers) { return std::make_unique<Sequential>(std::move(layers)); };
  return {
      {"Dense",
       [=] {
         return make({layers::Input({6, 6, 2}), layers::Flatten(), layers::Dense(3, {.activation = "softmax"})});
       }},
      {"Conv2D",
       [=] {
         return make({layers::Conv2D(3, {3, 3}, {.padding = "same", .activation = "relu", .input_shape = {6, 6, 2}}),
                      layers::Flatten(), layers::Dense(3)});
       }},
      {"MaxPooling2D",
       [=] {
         return make({layers::MaxPooling2D({2, 2}, {.input_shape = {6, 6, 2}}), layers::Flatten(), layers::Dense(3)});
       }},
      {"AveragePooling2D",
       [=] {
         return make(
             {layers::AveragePooling2D({3, 3}, {.input_shape = {6, 6, 2}}), layers::Flatten(), layers::Dense(3)});
       }},
      {"GlobalAveragePooling2D",
       [=] {
         return make({layers::GlobalAveragePooling2D({.input_shape = {6, 6, 2}}), layers::Dense(3)});
       }},
      {"Reshape",
       [=] {
         return make({layers::Reshape({36, 2}, {.input_shape = {6, 6, 2}}), layers::Dense(1), layers::Flatten(),
                      layers::Dense(3)});
       }},
      {"Dropout",
       [=] {
         return make({layers::Flatten({.input_shape = {6, 6, 2}}), layers::Dropout(0.5), layers::Dense(3)});
       }},
      {"BatchNormalization",
       [=] {
         return make({layers::BatchNormalization({.input_shape = {6, 6, 2}}), layers::Flatten(), layers::Dense(3)});
       }},
      {"LayerNormalization",
       [=] {
         return make({layers::Flatten({.input_shape = {6, 6, 2}}), layers::LayerNormalization(), layers::Dense(3)});
       }},
      {"Activation",
       [=] {
         return make({layers::Flatten({.input_shape = {6, 6, 2}}), layers::Dense(3), layers::Activation("softmax")});
       }},
  };
}

TEST(Saving, EveryLayerTypeRoundTripsBitIdentically) {
  set_random_seed(3);
  Tensor x = rand_uniform({12, 6, 6, 2}, -1, 1);
  Tensor y = one_hot(from_vector(std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, {12}), 3);
  for (const auto& [label, make] : models_per_layer()) {
    SCOPED_TRACE(label);
    auto model = make();
    model->compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
    model->fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0});  // non-trivial weights and optimizer state
    const std::string path = temp_path(label + ".safetensors");
    model->save(path);
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->get_config(), model->get_config());
    EXPECT_EQ(loaded->compile_config(), model->compile_config());
    EXPECT_TRUE(same_bits(loaded->predict(x), model->predict(x)));
    EXPECT_EQ(loaded->optimizer().iterations(), model->optimizer().iterations());
    std::filesystem::remove(path);
  }
}

TEST(Saving, TrainingResumesExactlyFromALoadedModel) {
  set_random_seed(4);
  auto data = testing::make_blobs(24, 4);
  Sequential model(
      {layers::Dense(5, {.activation = "relu", .input_shape = {4}}), layers::Dense(3, {.activation = "softmax"})});
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.01}), .loss = "categorical_crossentropy"});
  model.fit(data.x, data.y_onehot, {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  const std::string path = temp_path("resume.safetensors");
  model.save(path);
  auto loaded = load_model(path);
  model.fit(data.x, data.y_onehot, {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  loaded->fit(data.x, data.y_onehot, {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  // Same Adam moments and step count: the next epoch lands on the same weights.
  auto a = model.get_weights(), b = loaded->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i])) << i;
  std::filesystem::remove(path);
}

TEST(Saving, FileLayoutIsTheDocumentedOne) {
  nn::clear_session();
  Sequential model({layers::Dense(2, {.input_shape = {3}}), layers::BatchNormalization()});
  model.compile({.optimizer = "sgd", .loss = "mse", .metrics = {"mae"}});
  model.fit(ones({4, 3}), zeros({4, 2}), {.verbose = 0});
  const std::string path = temp_path("layout.safetensors");
  model.save(path);
  auto file = io::load_safetensors(path);
  std::vector<std::string> names;
  for (const auto& [name, t] : file.tensors) names.push_back(name);
  for (const char* expected : {"layers/dense/kernel", "layers/dense/bias", "layers/batch_normalization/gamma",
                               "layers/batch_normalization/beta", "layers/batch_normalization/moving_mean",
                               "layers/batch_normalization/moving_variance", "optimizer/iterations"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  EXPECT_EQ(file.metadata.at("deepfin_format"), "1");
  EXPECT_FALSE(file.metadata.at("deepfin_version").empty());
  auto config = nlohmann::json::parse(file.metadata.at("model_config"));
  EXPECT_EQ(config["class_name"], "Sequential");
  EXPECT_EQ(config["config"]["layers"][1]["class_name"], "BatchNormalization");
  auto compile = nlohmann::json::parse(file.metadata.at("compile_config"));
  EXPECT_EQ(compile["metrics"], nlohmann::json({"mae"}));
  std::filesystem::remove(path);
}

TEST(Saving, CompiledButUntrainedAndUncompiledModelsRoundTrip) {
  set_random_seed(8);
  Tensor x = rand_uniform({3, 4});
  for (bool compiled : {true, false}) {
    Sequential model({layers::Dense(2, {.activation = "relu", .input_shape = {4}})});
    if (compiled) model.compile({.optimizer = "rmsprop", .loss = "huber"});
    const std::string path = temp_path("untrained.safetensors");
    model.save(path);
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->compiled(), compiled);
    EXPECT_TRUE(same_bits(loaded->predict(x), model.predict(x)));
    if (compiled) {
      EXPECT_EQ(loaded->optimizer().class_name(), "RMSprop");
      EXPECT_EQ(loaded->loss()->class_name(), "Huber");
    }
    std::filesystem::remove(path);
  }
}

TEST(Saving, AttachmentsRoundTripAndReservedKeysAreRefused) {
  Sequential model({layers::Dense(1, {.activation = "sigmoid", .input_shape = {2}})});
  const nlohmann::json preprocessing = {{"columns", {"a", "b"}}, {"scale", 2.5}};
  model.set_attachment("preprocessing", preprocessing);
  EXPECT_THROW_WITH(model.set_attachment("model_config", 1), ValueError, "reserved");
  EXPECT_TRUE(model.attachment("tokenizer").is_null());
  const std::string path = temp_path("attached.safetensors");
  model.save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->attachment("preprocessing"), preprocessing);
  EXPECT_EQ(loaded->attachments().size(), 1u);
  // call_logits leaves out the sigmoid: sigmoid(logits) is the prediction.
  Tensor x = from_vector(std::vector<float>{0.5f, -1.0f, 2.0f, 0.25f}, {2, 2});
  Tensor p = loaded->predict(x);
  Tensor z = loaded->call_logits(x);
  for (int64_t i = 0; i < 2; ++i) EXPECT_NEAR(1.0 / (1.0 + std::exp(-z.at({i, 0}))), p.at({i, 0}), 1e-6);
  // A file that lists an attachment it does not hold is refused by name.
  io::save_safetensors(
      path, {},
      {{"deepfin_format", "1"},
       {"model_config", nlohmann::json{{"class_name", "Sequential"}, {"config", model.get_config()}}.dump()},
       {"attachments", R"(["tokenizer"])"}});
  EXPECT_THROW_WITH(load_model(path), FileError, "tokenizer");
  std::filesystem::remove(path);
}

TEST(Saving, AttachedTensorsRoundTripBesideTheWeights) {
  Sequential model({layers::Dense(1, {.input_shape = {2}})});
  const Tensor extra = from_vector(std::vector<float>{1.5f, -2.0f, 0.25f}, {3});
  model.set_attached_tensors({{"ensemble/member1/0", extra}});
  EXPECT_THROW_WITH(model.set_attached_tensors({{"", extra}}), ValueError, "empty tensor name");
  EXPECT_THROW_WITH(model.set_attached_tensors({{"x", Tensor()}}), ValueError, "no tensor for 'x'");
  EXPECT_EQ(model.attached_tensors().size(), 1u) << "a refused call changes nothing";
  const std::string path = temp_path("attached_tensors.safetensors");
  model.save(path);
  const auto file = io::load_safetensors(path);
  EXPECT_TRUE(std::any_of(file.tensors.begin(), file.tensors.end(),
                          [](const auto& t) { return t.first == "attached/ensemble/member1/0"; }));
  auto loaded = load_model(path);
  ASSERT_EQ(loaded->attached_tensors().size(), 1u);
  EXPECT_TRUE(same_bits(loaded->attached_tensors().at("ensemble/member1/0"), extra));
  EXPECT_TRUE(same_bits(loaded->predict(ones({1, 2})), model.predict(ones({1, 2}))));
  std::filesystem::remove(path);
}

TEST(Saving, BadFilesGiveClearErrors) {
  const std::string path = temp_path("bad.safetensors");
  io::save_safetensors(path, {{"w", zeros({2})}}, {});
  EXPECT_THROW_WITH(load_model(path), FileError, "not a deepfin model");
  io::save_safetensors(path, {}, {{"deepfin_format", "1"}, {"model_config", R"({"class_name": "Functional2"})"}});
  EXPECT_THROW_WITH(load_model(path), ConfigError, "Functional2");
  Sequential model({layers::Dense(2, {.name = "d", .input_shape = {3}})});
  io::save_safetensors(
      path, {{"layers/d/kernel", zeros({3, 2})}},
      {{"deepfin_format", "1"},
       {"model_config", nlohmann::json{{"class_name", "Sequential"}, {"config", model.get_config()}}.dump()}});
  EXPECT_THROW_WITH(load_model(path), FileError, "layers/d/bias");
  std::filesystem::remove(path);
  EXPECT_THROW_WITH(Sequential({layers::Dense(2)}).save(path), ValueError, "not built");
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace deepfin
