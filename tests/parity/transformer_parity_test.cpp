// Transformer building blocks against torch (fixtures from
// generate_transformer_fixtures.py): layer_norm vs F.layer_norm, Embedding vs
// F.embedding, the sinusoidal PositionalEmbedding vs the PyTorch tutorial's table,
// and TransformerEncoder vs torch.nn.TransformerEncoderLayer (batch_first, post- and
// pre-norm, gelu and relu, with and without src_key_padding_mask). Each checks the
// output and the gradients of sum(out * R) for the input and every weight.
#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "deepfin/ops/normalization.h"
#include "parity/parity_util.h"
#include "testing/fixtures.h"

namespace deepfin::parity {
namespace {

Tensor layer_norm_case(const Inputs& in, const nlohmann::json& attrs) {
  return layer_norm(in.at("x"), optional_input(in, "gamma"), optional_input(in, "beta"), attrs.at("epsilon"));
}

Tensor embedding_case(const Inputs& in, const nlohmann::json& attrs) {
  const Tensor& table = in.at("table");
  nn::Embedding layer(attrs.at("input_dim"), attrs.at("output_dim"), {.dtype = table.dtype()});
  const Tensor ids = in.at("ids").to(table.dtype());  // the float ids Model::fit hands to layers
  layer.build(Shape(ids.shape().begin() + 1, ids.shape().end()));
  layer.weights()[0].value = table;
  return layer.call(ids);
}

Tensor positions_case(const Inputs& in, const nlohmann::json& attrs) {
  nn::PositionalEmbedding layer(attrs.at("sequence_length"), {.kind = "sinusoidal", .dtype = in.at("x").dtype()});
  return layer.call(in.at("x"));
}

// torch's parameters -> the encoder's weights, with differentiable ops so the
// gradients reach the fixture's torch-layout tensors (mapping in transformer_encoder.h).
Tensor encoder_case(const Inputs& in, const nlohmann::json& attrs) {
  const Tensor& x = in.at("x");
  const int64_t heads = attrs.at("num_heads");
  nn::TransformerEncoder layer(heads, attrs.at("ff_dim"),
                               {.norm_first = attrs.at("norm_first"),
                                .activation = attrs.at("activation"),
                                .layer_norm_epsilon = attrs.at("layer_norm_epsilon"),
                                .dtype = x.dtype()});
  layer.build(Shape(x.shape().begin() + 1, x.shape().end()));
  const nn::MultiHeadAttentionWeights mha =
      nn::keras_mha_weights_from_torch(in.at("self_attn.in_proj_weight"), in.at("self_attn.in_proj_bias"),
                                       in.at("self_attn.out_proj.weight"), in.at("self_attn.out_proj.bias"), heads);
  const std::map<std::string, Tensor> mapped = {
      {"self_attention/query_kernel", mha.query_kernel},
      {"self_attention/query_bias", mha.query_bias},
      {"self_attention/key_kernel", mha.key_kernel},
      {"self_attention/key_bias", mha.key_bias},
      {"self_attention/value_kernel", mha.value_kernel},
      {"self_attention/value_bias", mha.value_bias},
      {"self_attention/output_kernel", mha.output_kernel},
      {"self_attention/output_bias", mha.output_bias},
      {"self_attention_layer_norm/gamma", in.at("norm1.weight")},
      {"self_attention_layer_norm/beta", in.at("norm1.bias")},
      {"feedforward_intermediate_dense/kernel", in.at("linear1.weight").transpose(0, 1)},
      {"feedforward_intermediate_dense/bias", in.at("linear1.bias")},
      {"feedforward_output_dense/kernel", in.at("linear2.weight").transpose(0, 1)},
      {"feedforward_output_dense/bias", in.at("linear2.bias")},
      {"feedforward_layer_norm/gamma", in.at("norm2.weight")},
      {"feedforward_layer_norm/beta", in.at("norm2.bias")},
  };
  EXPECT_EQ(layer.weights().size(), mapped.size());
  for (nn::Weight& w : layer.weights()) {
    const Tensor& value = mapped.at(w.name);
    EXPECT_EQ(value.shape(), w.value.shape()) << w.name;
    w.value = value;
  }
  const Tensor mask = optional_input(in, "mask");
  return mask.defined() ? layer.call_masked(x, mask) : layer.call(x);
}

class TransformerOpParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(TransformerOpParity, OutputAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  const std::string family = name.substr(0, name.find('_', 3));  // "tf_layer", "tf_embedding", "tf_sinusoidal"
  const OpFn fn = family == "tf_layer"       ? OpFn(layer_norm_case)
                  : family == "tf_embedding" ? OpFn(embedding_case)
                                             : OpFn(positions_case);
  EXPECT_TRUE(check_op_case(name, variant, fn));
}

INSTANTIATE_TEST_SUITE_P(Torch, TransformerOpParity,
                         cases_with_variants({"tf_layer_norm_affine", "tf_layer_norm_plain",
                                              "tf_layer_norm_two_features", "tf_embedding",
                                              "tf_sinusoidal_positions_d8", "tf_sinusoidal_positions_d5"}),
                         CaseParamName());

// A whole block in float32 adds rounding over two matmul chains and two norms, so
// its float32 tolerance is wider than a single op's.
const std::vector<Variant>& encoder_variants() {
  static const std::vector<Variant> variants = {
      {DType::float64, false, 1e-10, 1e-8},
      {DType::float64, true, 1e-10, 1e-8},
      {DType::float32, false, 1e-4, 1e-3},
      {DType::float32, true, 1e-4, 1e-3},
  };
  return variants;
}

class TransformerEncoderParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(TransformerEncoderParity, OutputAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, encoder_case));
}

INSTANTIATE_TEST_SUITE_P(Torch, TransformerEncoderParity,
                         ::testing::Combine(::testing::Values("tf_encoder_post_norm_gelu", "tf_encoder_pre_norm_gelu",
                                                              "tf_encoder_post_norm_relu_padding",
                                                              "tf_encoder_pre_norm_gelu_padding"),
                                            ::testing::ValuesIn(encoder_variants())),
                         CaseParamName());

}  // namespace
}  // namespace deepfin::parity
