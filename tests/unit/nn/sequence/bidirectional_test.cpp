// Bidirectional: a hand-computed running-sum case, equality with two manually run
// recurrent layers for every merge mode, states, weight names, float64 gradient
// checks, config round trip and errors.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/shape_ops.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

// Output step t becomes step T-1-t.
Tensor reversed_in_time(const Tensor& y) {
  std::vector<Tensor> steps;
  for (int64_t t = y.size(1) - 1; t >= 0; --t) steps.push_back(y.select(1, t));
  return stack(steps, 1);
}

// Gives `dst` the values of the wrapper's weights [first, first + dst's count).
void copy_from(const nn::Layer& wrapper, size_t first, nn::Layer& dst) {
  for (size_t i = 0; i < dst.weights().size(); ++i)
    nn::assign_values(dst.weights()[i].value, wrapper.weights()[first + i].value);
}

TEST(Bidirectional, HandComputedRunningSums) {
  // A linear SimpleRNN with kernel 1, recurrent kernel 1, no bias computes h_t = h_{t-1} + x_t:
  // forwards the running sums 1, 3, 6 of x = 1, 2, 3; backwards (re-aligned to input steps) the
  // suffix sums 6, 5, 3.
  auto bi = layers::Bidirectional(
      layers::SimpleRNN(1, {.activation = "linear", .use_bias = false, .return_sequences = true, .dtype = f64}));
  bi->build({3, 1});
  for (nn::Weight& w : bi->weights()) nn::assign_values(w.value, ones({1, 1}, f64));
  const Tensor y = bi->call(from_vector(std::vector<double>{1, 2, 3}, {1, 3, 1}));
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2}));
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{1, 6, 3, 5, 6, 3}));
}

TEST(Bidirectional, EqualsTwoManuallyRunLayersForEveryMergeMode) {
  Generator gen(41);
  const Tensor x = random_double({2, 5, 3}, gen);
  for (const bool sequences : {true, false})
    for (const std::string mode : {"concat", "sum", "mul", "ave"}) {
      SCOPED_TRACE(mode + (sequences ? " return_sequences" : " last output"));
      const nn::RecurrentLayerOptions o{.return_sequences = sequences, .dtype = f64};
      auto bi = layers::Bidirectional(layers::LSTM(4, o), {.merge_mode = mode});
      bi->build({5, 3});
      auto fwd = layers::LSTM(4, o);
      nn::RecurrentLayerOptions ob = o;
      ob.go_backwards = true;
      auto bwd = layers::LSTM(4, ob);
      fwd->build({5, 3});
      bwd->build({5, 3});
      copy_from(*bi, 0, *fwd);
      copy_from(*bi, fwd->weights().size(), *bwd);
      const Tensor f = fwd->call(x);
      const Tensor b = sequences ? reversed_in_time(bwd->call(x)) : bwd->call(x);
      Tensor expected = mode == "concat" ? concat({f, b}, f.dim() - 1)
                        : mode == "sum"  ? f + b
                        : mode == "mul"  ? f * b
                                         : (f + b) * 0.5;
      EXPECT_TRUE(all_close(bi->call(x), expected, 1e-14, 1e-14));
      EXPECT_EQ(bi->output_shape(), Shape(expected.shape().begin() + 1, expected.shape().end()));
    }
}

TEST(Bidirectional, WeightsAreNamedPerDirectionAndDistinct) {
  auto bi = layers::Bidirectional(layers::GRU(3, {.name = "gru"}), {.name = "bi"});
  bi->build({6, 2});
  std::vector<std::string> names;
  for (const nn::Weight& w : bi->weights()) names.push_back(w.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"forward_gru/kernel", "forward_gru/recurrent_kernel", "forward_gru/bias",
                                      "backward_gru/kernel", "backward_gru/recurrent_kernel", "backward_gru/bias"}));
  EXPECT_NE(bi->weights()[0].value.raw_data(), bi->weights()[3].value.raw_data());
  EXPECT_EQ(bi->weights()[0].value.raw_data(), bi->forward_layer()->weight("kernel").raw_data());
  EXPECT_EQ(bi->forward_layer()->name(), "forward_gru");
  EXPECT_EQ(bi->backward_layer()->get_config().at("go_backwards"), true);
  EXPECT_EQ(bi->count_params(), 2 * bi->forward_layer()->count_params());
  EXPECT_EQ(bi->output_shape(), (Shape{6}));
}

TEST(Bidirectional, StatesAreForwardThenBackward) {
  Generator gen(42);
  const Tensor x = random_double({2, 4, 3}, gen);
  const nn::RecurrentLayerOptions o{.return_sequences = true, .return_state = true, .dtype = f64};
  auto bi = layers::Bidirectional(layers::LSTM(2, o), {.merge_mode = "sum"});
  const Tensor h0 = random_double({2, 2}, gen), c0 = random_double({2, 2}, gen);
  const std::vector<Tensor> out = bi->call_with_states(x, {h0, c0, c0, h0});
  ASSERT_EQ(out.size(), 5u);
  auto fwd = layers::LSTM(2, o);
  nn::RecurrentLayerOptions ob = o;
  ob.go_backwards = true;
  auto bwd = layers::LSTM(2, ob);
  fwd->build({4, 3});
  bwd->build({4, 3});
  copy_from(*bi, 0, *fwd);
  copy_from(*bi, 3, *bwd);
  const std::vector<Tensor> f = fwd->call_with_states(x, {h0, c0});
  const std::vector<Tensor> b = bwd->call_with_states(x, {c0, h0});
  EXPECT_TRUE(all_close(out[0], f[0] + reversed_in_time(b[0]), 1e-14, 1e-14));
  EXPECT_TRUE(all_close(out[1], f[1], 0, 0));
  EXPECT_TRUE(all_close(out[2], f[2], 0, 0));
  EXPECT_TRUE(all_close(out[3], b[1], 0, 0));
  EXPECT_TRUE(all_close(out[4], b[2], 0, 0));
  // call() gives the merged output alone.
  EXPECT_TRUE(all_close(bi->call(x), bi->call_with_states(x)[0], 0, 0));
}

TEST(Bidirectional, Gradcheck) {
  Generator gen(43);
  auto concat_lstm = layers::Bidirectional(layers::LSTM(2, {.return_sequences = true, .dtype = f64}));
  EXPECT_TRUE(gradcheck_layer(*concat_lstm, random_double({2, 3, 2}, gen)));
  auto ave_gru = layers::Bidirectional(layers::GRU(2, {.dtype = f64}), {.merge_mode = "ave"});
  EXPECT_TRUE(gradcheck_layer(*ave_gru, random_double({2, 3, 4}, gen).transpose(1, 2)));
  auto mul_rnn =
      layers::Bidirectional(layers::SimpleRNN(3, {.return_sequences = true, .dtype = f64}), {.merge_mode = "mul"});
  EXPECT_TRUE(gradcheck_layer(*mul_rnn, random_double({1, 4, 2}, gen)));
}

TEST(Bidirectional, ConfigRoundTrip) {
  auto bi = layers::Bidirectional(layers::LSTM(5, {.return_sequences = true, .name = "enc", .input_shape = {10, 3}}),
                                  {.merge_mode = "sum"});
  EXPECT_EQ(bi->declared_input_shape(), (Shape{10, 3}));  // taken from the wrapped layer, like Keras
  const nlohmann::json config = bi->get_config();
  EXPECT_EQ(config.at("merge_mode"), "sum");
  EXPECT_EQ(config.at("layer").at("class_name"), "LSTM");
  EXPECT_EQ(config.at("layer").at("config").at("name"), "enc");
  EXPECT_EQ(config.at("layer").at("config").at("go_backwards"), false);
  auto rebuilt = nn::layer_from_config(nn::serialize(*bi));
  EXPECT_EQ(rebuilt->class_name(), "Bidirectional");
  EXPECT_EQ(rebuilt->get_config(), config);
  // A backwards layer inside: the backward copy runs forwards.
  auto reversed = layers::Bidirectional(layers::GRU(2, {.go_backwards = true}));
  EXPECT_EQ(reversed->backward_layer()->get_config().at("go_backwards"), false);
}

TEST(Bidirectional, ClearErrors) {
  EXPECT_THROW_WITH(layers::Bidirectional(nullptr), ValueError, "wrapped layer is null");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::Dense(3, {.name = "d"}), {.name = "bi"}), ConfigError,
                    "wrapped layer 'd' (Dense) has no 'go_backwards' option");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3), {.merge_mode = "max"}), ConfigError,
                    "unknown merge_mode 'max'");
  EXPECT_THROW_WITH(layers::Bidirectional(layers::LSTM(3), {.name = "bi"})->build({4, 3, 2}), ShapeError,
                    "Bidirectional 'bi': expected input shape (steps, features)");
  auto bi = layers::Bidirectional(layers::LSTM(3));
  EXPECT_THROW_WITH(bi->call_with_states(zeros({2, 4, 3}), {zeros({2, 3})}), ValueError,
                    "forward states then the backward states");
  nlohmann::json no_layer = {{"class_name", "Bidirectional"}, {"config", {{"name", "bi"}}}};
  EXPECT_THROW_WITH(nn::layer_from_config(no_layer), ConfigError, "lacks 'layer'");
}

}  // namespace
}  // namespace deepfin
