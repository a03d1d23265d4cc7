// Sequence layers against torch (fixtures from generate_sequence_layer_fixtures.py):
// Conv1D vs F.conv1d (Keras padding applied with F.pad), global 1-D pooling vs
// mean/amax over the steps, TimeDistributed(Dense) vs nn.Linear on every step,
// Bidirectional(LSTM) vs torch's bidirectional LSTM kernel. Each
// checks the output and the gradients of sum(out * R) for the input and every weight.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "parity/parity_util.h"
#include "testing/fixtures.h"

namespace deepfin::parity {
namespace {

// Hands the fixture's weights to the layer so their gradients reach the fixture inputs.
Tensor run_with_fixture_weights(nn::Layer& layer, const Inputs& in) {
  const Tensor& x = in.at("x");
  layer.build(Shape(x.shape().begin() + 1, x.shape().end()));
  for (nn::Weight& w : layer.weights()) w.value = in.at(w.name);
  return layer.call(x);
}

Tensor sequence_layer(const Inputs& in, const nlohmann::json& attrs) {
  const DType dtype = in.at("x").dtype();
  const std::string op = attrs.at("op");
  if (op == "conv1d") {
    nn::Conv1D layer(attrs.at("filters"), attrs.at("kernel_size"),
                     {.strides = attrs.at("strides"),
                      .padding = attrs.at("padding"),
                      .dilation_rate = attrs.at("dilation_rate"),
                      .use_bias = in.count("bias") > 0,
                      .dtype = dtype});
    return run_with_fixture_weights(layer, in);
  }
  if (op == "global_average_pooling1d") {
    nn::GlobalAveragePooling1D layer({.keepdims = attrs.at("keepdims"), .dtype = dtype});
    return run_with_fixture_weights(layer, in);
  }
  if (op == "global_max_pooling1d") {
    nn::GlobalMaxPooling1D layer({.keepdims = attrs.at("keepdims"), .dtype = dtype});
    return run_with_fixture_weights(layer, in);
  }
  if (op == "time_distributed_dense") {
    nn::TimeDistributed layer(layers::Dense(attrs.at("units"), {.activation = attrs.at("activation"), .dtype = dtype}));
    return run_with_fixture_weights(layer, in);
  }
  if (op == "bidirectional_lstm") {
    nn::Bidirectional layer(
        layers::LSTM(attrs.at("units"),
                     {.return_sequences = attrs.at("return_sequences"), .name = "lstm", .dtype = dtype}),
        {.merge_mode = attrs.at("merge_mode")});
    const Tensor& x = in.at("x");
    layer.build(Shape(x.shape().begin() + 1, x.shape().end()));
    // "forward_lstm/kernel" is the fixture's "forward_kernel".
    for (nn::Weight& w : layer.weights()) {
      std::string key = w.name;
      key.replace(key.find("_lstm/"), 6, "_");
      w.value = in.at(key);
    }
    return layer.call(x);
  }
  throw ValueError(fmt::format("sequence layer parity: unknown op {}", op));
}

const std::vector<std::string> kSequenceCases = {
    "seq_conv1d_valid",
    "seq_conv1d_same",
    "seq_conv1d_same_stride",
    "seq_conv1d_causal",
    "seq_conv1d_causal_stride_nobias",
    "seq_global_average_pooling1d",
    "seq_global_max_pooling1d",
    "seq_global_max_pooling1d_keepdims",
    "seq_time_distributed_dense",
    "seq_bidirectional_lstm_sequences_concat",
    "seq_bidirectional_lstm_last_sum",
};

class SequenceLayerParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(SequenceLayerParity, OutputAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, sequence_layer));
}

INSTANTIATE_TEST_SUITE_P(Torch, SequenceLayerParity, cases_with_variants(kSequenceCases), CaseParamName());

TEST(SequenceLayerParityFixtures, SameAndCausalKeepTheSequenceLength) {
  // Guards the fixtures' padding: at stride 1, "same" and "causal" keep T steps.
  for (const char* name : {"seq_conv1d_same", "seq_conv1d_causal"}) {
    const nlohmann::json f = testing::load_fixture(name);
    EXPECT_EQ(f.at("output").at("shape").at(1), f.at("inputs").at("x").at("shape").at(1)) << name;
  }
}

}  // namespace
}  // namespace deepfin::parity
