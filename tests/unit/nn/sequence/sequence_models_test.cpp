// The sequence layers inside Sequential models: save -> load_model gives the same
// config and bit-identical predictions, weight keys are the documented ones, and a
// Conv1D + GlobalMaxPooling1D + Dense model learns to detect a motif.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "deepfin/deepfin.h"
#include "deepfin/io/safetensors.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using L = std::vector<std::shared_ptr<nn::Layer>>;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("deepfin_seq_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::vector<std::pair<std::string, std::function<L()>>> models_per_layer() {
  return {
      {"Conv1D",
       [] {
         return L{layers::Conv1D(3, 3, {.padding = "causal", .activation = "relu", .input_shape = {8, 2}}),
                  layers::Flatten(), layers::Dense(1)};
       }},
      {"GlobalAveragePooling1D",
       [] {
         return L{layers::Conv1D(3, 2, {.input_shape = {8, 2}}), layers::GlobalAveragePooling1D(), layers::Dense(1)};
       }},
      {"GlobalMaxPooling1D",
       [] {
         return L{layers::Conv1D(3, 2, {.input_shape = {8, 2}}), layers::GlobalMaxPooling1D({.keepdims = true}),
                  layers::Flatten(), layers::Dense(1)};
       }},
      {"TimeDistributed",
       [] {
         return L{layers::TimeDistributed(layers::Dense(3, {.activation = "tanh"}), {.input_shape = {8, 2}}),
                  layers::GlobalAveragePooling1D(), layers::Dense(1)};
       }},
      {"Bidirectional",
       [] {
         return L{layers::Bidirectional(layers::LSTM(3, {.return_sequences = true}), {.input_shape = {8, 2}}),
                  layers::GlobalMaxPooling1D(), layers::Dense(1)};
       }},
  };
}

TEST(SequenceModels, SaveLoadRoundTripsBitIdentically) {
  set_random_seed(5);
  const Tensor x = rand_uniform({12, 8, 2}, -1, 1);
  const Tensor y = rand_uniform({12, 1}, -1, 1);
  for (const auto& [label, make] : models_per_layer()) {
    SCOPED_TRACE(label);
    Sequential model(make());
    model.compile({.optimizer = "adam", .loss = "mse"});
    const std::vector<Tensor> initial = model.get_weights();
    model.fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0});
    // Training reached every weight, the wrapped layers' included (they share the arena-bound tensors).
    const std::vector<Tensor> trained = model.get_weights();
    for (size_t i = 0; i < initial.size(); ++i) EXPECT_FALSE(testing::bit_identical(initial[i], trained[i])) << i;
    const std::string path = temp_path(label + ".safetensors");
    model.save(path);
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->get_config(), model.get_config());
    EXPECT_TRUE(testing::bit_identical(loaded->predict(x), model.predict(x)));
    // A freshly built copy differs until the weights are loaded: the round trip carried them.
    auto fresh = Sequential::from_config(model.get_config());
    EXPECT_FALSE(testing::bit_identical(fresh->predict(x), model.predict(x)));
    std::filesystem::remove(path);
  }
}

TEST(SequenceModels, WrapperWeightKeysAreStable) {
  nn::clear_session();
  Sequential model({layers::TimeDistributed(layers::Dense(2), {.input_shape = {4, 3}}),
                    layers::Bidirectional(layers::GRU(2)), layers::Dense(1)});
  const std::string path = temp_path("keys.safetensors");
  model.save(path);
  std::vector<std::string> names;
  for (const auto& [name, t] : io::load_safetensors(path).tensors) names.push_back(name);
  for (const char* expected :
       {"layers/time_distributed/kernel", "layers/time_distributed/bias", "layers/bidirectional/forward_gru/kernel",
        "layers/bidirectional/forward_gru/recurrent_kernel", "layers/bidirectional/backward_gru/bias"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  std::filesystem::remove(path);
}

// Sequences of noise; the positive ones hold the motif (+2, -2, +2) at a random place.
void motif_data(int64_t n, uint64_t seed, Tensor& x, Tensor& y) {
  constexpr int64_t kSteps = 16;
  Generator gen(seed);
  std::vector<float> xs(static_cast<size_t>(n * kSteps)), ys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t t = 0; t < kSteps; ++t) xs[i * kSteps + t] = static_cast<float>(gen.normal(0.0, 0.5));
    ys[i] = static_cast<float>(i % 2);
    if (i % 2) {
      const int64_t at = static_cast<int64_t>(gen.below(kSteps - 2));
      xs[i * kSteps + at] += 2.f;
      xs[i * kSteps + at + 1] -= 2.f;
      xs[i * kSteps + at + 2] += 2.f;
    }
  }
  x = from_vector(xs, {n, kSteps, 1});
  y = from_vector(ys, {n, 1});
}

TEST(SequenceModels, Conv1DDetectsAMotif) {
  set_random_seed(6);
  Tensor x, y, x_test, y_test;
  motif_data(256, 1, x, y);
  motif_data(128, 2, x_test, y_test);
  Sequential model({layers::Conv1D(4, 3, {.activation = "relu", .input_shape = {16, 1}}), layers::GlobalMaxPooling1D(),
                    layers::Dense(1, {.activation = "sigmoid"})});
  model.compile(
      {.optimizer = optim::Adam({.learning_rate = 0.03}), .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  const double before = model.evaluate(x_test, y_test).at("accuracy");
  model.fit(x, y, {.epochs = 15, .batch_size = 16, .verbose = 0});
  const double after = model.evaluate(x_test, y_test).at("accuracy");
  EXPECT_LT(before, 0.75);
  EXPECT_GE(after, 0.95) << "accuracy before training " << before;
}

}  // namespace
}  // namespace deepfin
