// SimpleRNN, LSTM and GRU layers: output shapes for every return_* combination,
// masking, initialisation (unit_forget_bias, orthogonal gate blocks), dropout only
// in training, config and save/load round trips, gradchecks through the layer,
// and a small seeded fit().
#include <gtest/gtest.h>

#include <filesystem>

#include "deepfin/deepfin.h"
#include "deepfin/nn/layers/recurrent.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using nn::RecurrentLayer;
using testing::all_close;

std::shared_ptr<RecurrentLayer> make(const std::string& kind, int64_t units, const nn::RecurrentLayerOptions& o = {}) {
  if (kind == "LSTM") return layers::LSTM(units, o);
  if (kind == "GRU") return layers::GRU(units, o);
  return layers::SimpleRNN(units, o);
}

const std::vector<std::string> kKinds = {"SimpleRNN", "LSTM", "GRU"};

TEST(RecurrentLayers, ShapesForEveryReturnCombination) {
  const Tensor x = rand_uniform({3, 5, 2});
  for (const std::string& kind : kKinds)
    for (bool seq : {false, true})
      for (bool state : {false, true}) {
        SCOPED_TRACE(kind + (seq ? " seq" : "") + (state ? " state" : ""));
        auto layer = make(kind, 4, {.return_sequences = seq, .return_state = state});
        const Tensor y = layer->call(x);
        EXPECT_EQ(y.shape(), seq ? Shape({3, 5, 4}) : Shape({3, 4}));
        EXPECT_EQ(layer->output_shape(), seq ? Shape({5, 4}) : Shape({4}));
        const std::vector<Tensor> outs = layer->call_with_states(x);
        ASSERT_EQ(outs.size(), kind == "LSTM" ? 3u : 2u);
        EXPECT_EQ(outs[0].shape(), y.shape());
        for (size_t i = 1; i < outs.size(); ++i) EXPECT_EQ(outs[i].shape(), Shape({3, 4}));
        // Without masking the last output is the final state.
        EXPECT_TRUE(all_close(seq ? outs[0].select(1, 4) : outs[0], outs[1], 0, 0));
      }
}

TEST(RecurrentLayers, WeightShapesFollowKeras) {
  auto lstm = layers::LSTM(3);
  lstm->build({7, 2});
  EXPECT_EQ(lstm->weight("kernel").shape(), Shape({2, 12}));
  EXPECT_EQ(lstm->weight("recurrent_kernel").shape(), Shape({3, 12}));
  EXPECT_EQ(lstm->weight("bias").shape(), Shape({12}));
  auto gru = layers::GRU(3);
  gru->build({7, 2});
  EXPECT_EQ(gru->weight("bias").shape(), Shape({2, 9}));
  auto rnn = layers::SimpleRNN(3, {.use_bias = false});
  rnn->build({7, 2});
  EXPECT_EQ(rnn->weights().size(), 2u);
  EXPECT_EQ(rnn->count_params(), 2 * 3 + 3 * 3);
}

TEST(RecurrentLayers, MaskedTrailingStepsLeaveTheUnmaskedPrefixState) {
  set_random_seed(2);
  const Tensor x = rand_uniform({2, 6, 3});
  for (const std::string& kind : kKinds) {
    SCOPED_TRACE(kind);
    auto layer = make(kind, 4, {.mask_value = 0.0});
    layer->build({6, 3});
    // Row 0: steps 4 and 5 padded with the mask value; the state must equal a run over steps 0..3.
    std::vector<double> padded = x.to_vector<double>();
    for (int64_t t = 4; t < 6; ++t)
      for (int64_t f = 0; f < 3; ++f) padded[static_cast<size_t>(t * 3 + f)] = 0.0;
    const Tensor xp = from_vector(padded, {2, 6, 3}).to(DType::float32);
    const std::vector<Tensor> masked = layer->call_with_states(xp);
    auto prefix_layer = make(kind, 4);
    prefix_layer->build({4, 3});
    for (size_t i = 0; i < layer->weights().size(); ++i)
      nn::assign_values(prefix_layer->weights()[i].value, layer->weights()[i].value);
    const std::vector<Tensor> prefix = prefix_layer->call_with_states(x.slice(1, 0, 4));
    for (size_t i = 1; i < masked.size(); ++i)
      EXPECT_TRUE(all_close(masked[i].select(0, 0), prefix[i].select(0, 0), 0, 0));
    EXPECT_TRUE(all_close(masked[0].select(0, 0), prefix[0].select(0, 0), 0, 0));  // last output = last kept one
    // An explicit mask gives the same as mask_value.
    auto plain = make(kind, 4);
    plain->build({6, 3});
    for (size_t i = 0; i < layer->weights().size(); ++i)
      nn::assign_values(plain->weights()[i].value, layer->weights()[i].value);
    const Tensor mask = from_vector(std::vector<double>{1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}, {2, 6});
    const std::vector<Tensor> explicit_mask = plain->call_with_states(xp, {}, mask);
    EXPECT_TRUE(all_close(explicit_mask[1], masked[1], 0, 0));
  }
}

TEST(RecurrentLayers, UnitForgetBiasSetsOnlyTheForgetBlock) {
  auto lstm = layers::LSTM(3);
  lstm->build({2, 2});
  EXPECT_EQ(lstm->weight("bias").to_vector<float>(), (std::vector<float>{0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  auto off = layers::LSTM(3, {.unit_forget_bias = false});
  off->build({2, 2});
  EXPECT_EQ(off->weight("bias").to_vector<float>(), std::vector<float>(12, 0.0f));
}

TEST(RecurrentLayers, OrthogonalRecurrentKernelPerGateBlock) {
  for (const std::string& kind : kKinds) {
    auto layer = make(kind, 5);
    layer->build({3, 2});
    const Tensor rk = layer->weight("recurrent_kernel").to(DType::float64);
    const int64_t gates = rk.size(1) / 5;
    for (int64_t g = 0; g < gates; ++g) {
      const Tensor block = rk.slice(1, g * 5, (g + 1) * 5).contiguous();
      const Tensor gram = matmul(block.transpose(0, 1), block);
      std::vector<double> eye(25, 0.0);
      for (int i = 0; i < 5; ++i) eye[static_cast<size_t>(i * 6)] = 1.0;
      EXPECT_TRUE(all_close(gram, from_vector(eye, {5, 5}), 1e-5, 0)) << kind << " block " << g;
    }
  }
}

TEST(RecurrentLayers, DropoutOnlyInTraining) {
  set_random_seed(5);
  const Tensor x = rand_uniform({4, 6, 3});
  for (const std::string& kind : kKinds) {
    auto layer = make(kind, 4, {.dropout = 0.5, .recurrent_dropout = 0.5});
    auto clean = make(kind, 4);
    layer->build({6, 3});
    clean->build({6, 3});
    for (size_t i = 0; i < layer->weights().size(); ++i)
      nn::assign_values(clean->weights()[i].value, layer->weights()[i].value);
    const Tensor infer = layer->call(x, false);
    EXPECT_TRUE(all_close(infer, clean->call(x), 0, 0)) << kind;
    const Tensor train1 = layer->call(x, true), train2 = layer->call(x, true);
    EXPECT_FALSE(all_close(train1, infer, 1e-4, 0)) << kind;
    EXPECT_FALSE(all_close(train1, train2, 1e-4, 0)) << kind << ": a fresh mask per call";
  }
}

TEST(RecurrentLayers, ConfigRoundTripThroughTheRegistry) {
  for (const std::string& kind : kKinds) {
    auto layer = make(kind, 7,
                      {.activation = "relu",
                       .return_sequences = true,
                       .go_backwards = true,
                       .dropout = 0.25,
                       .mask_value = -1.0,
                       .name = "rec_" + kind});
    const nlohmann::json s = nn::serialize(*layer);
    EXPECT_EQ(s.at("class_name"), kind);
    auto rebuilt = nn::layer_from_config(s);
    EXPECT_EQ(nn::serialize(*rebuilt), s);
  }
}

TEST(RecurrentLayers, BadOptionsRaiseClearErrors) {
  EXPECT_THROW(layers::GRU(3, {.reset_after = false}), ConfigError);
  EXPECT_THROW(layers::LSTM(0), ValueError);
  EXPECT_THROW(layers::LSTM(3, {.dropout = 1.0}), ValueError);
  EXPECT_THROW(layers::LSTM(3, {.activation = "swish"}), ConfigError);
  auto lstm = layers::LSTM(3);
  try {
    lstm->call(zeros({2, 3}));
    FAIL() << "no throw";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("input must be (time, features)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(layers::LSTM(3)->call_with_states(zeros({2, 4, 3}), {zeros({2, 3})}), ValueError);  // needs h and c
}

TEST(RecurrentLayers, GradcheckThroughEachLayerWithInitialStates) {
  Generator gen(8);
  for (const std::string& kind : kKinds) {
    SCOPED_TRACE(kind);
    auto layer = make(kind, 3, {.return_sequences = true, .dtype = DType::float64});
    layer->build({4, 2});
    const bool lstm = kind == "LSTM";
    std::vector<Tensor> inputs{testing::random_double({2, 4, 2}, gen), testing::random_double({2, 3}, gen)};
    if (lstm) inputs.push_back(testing::random_double({2, 3}, gen));
    for (const nn::Weight& w : layer->weights()) inputs.push_back(w.value.detach().clone());
    auto f = [&](const std::vector<Tensor>& in) {
      const size_t first_weight = lstm ? 3 : 2;
      for (size_t i = 0; i < layer->weights().size(); ++i) layer->weights()[i].value = in[first_weight + i];
      std::vector<Tensor> states{in[1]};
      if (lstm) states.push_back(in[2]);
      std::vector<Tensor> outs = layer->call_with_states(in[0], states);
      for (Tensor& o : outs) o = o.reshape({2, -1});
      return concat(outs, 1);
    };
    EXPECT_TRUE(testing::gradcheck(f, inputs));
  }
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("deepfin_recurrent_" + name)).string();
}

// Sign of each sequence's sum, one-hot over {negative, positive}.
std::pair<Tensor, Tensor> sum_sign_data(int64_t n, int64_t T) {
  const Tensor x = rand_uniform({n, T, 1}, -1, 1);
  const std::vector<float> v = x.to_vector<float>();
  std::vector<float> y(static_cast<size_t>(2 * n), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    float s = 0;
    for (int64_t t = 0; t < T; ++t) s += v[static_cast<size_t>(i * T + t)];
    y[static_cast<size_t>(2 * i + (s > 0 ? 1 : 0))] = 1.0f;
  }
  return {x, from_vector(y, {n, 2})};
}

TEST(RecurrentLayers, SaveLoadIsBitIdentical) {
  set_random_seed(11);
  auto [x, y] = sum_sign_data(16, 6);
  for (const std::string& kind : kKinds) {
    SCOPED_TRACE(kind);
    Sequential model({make(kind, 4, {.return_sequences = true, .input_shape = {6, 1}}), make(kind, 3),
                      layers::Dense(2, {.activation = "softmax"})});
    model.compile({.optimizer = "adam", .loss = "categorical_crossentropy"});
    model.fit(x, y, {.epochs = 1, .batch_size = 8, .verbose = 0});
    const std::string path = temp_path(kind + ".safetensors");
    model.save(path);
    auto loaded = load_model(path);
    EXPECT_EQ(loaded->get_config(), model.get_config());
    const std::vector<float> a = loaded->predict(x).to_vector<float>(), b = model.predict(x).to_vector<float>();
    EXPECT_EQ(a, b);
    std::filesystem::remove(path);
  }
}

TEST(RecurrentLayers, LstmLearnsTheSignOfASequenceSum) {
  set_random_seed(1);
  auto [x, y] = sum_sign_data(512, 8);
  Sequential model({layers::LSTM(8, {.input_shape = {8, 1}}), layers::Dense(2, {.activation = "softmax"})});
  model.compile(
      {.optimizer = optim::Adam({.learning_rate = 0.02}), .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  model.fit(x, y, {.epochs = 12, .batch_size = 32, .verbose = 0});
  auto [xt, yt] = sum_sign_data(256, 8);
  EXPECT_GT(model.evaluate(xt, yt)["accuracy"], 0.9);
}

}  // namespace
}  // namespace deepfin
