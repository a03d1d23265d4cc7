// deepfin::attention vs torch's scaled-dot-product attention (plain, padding mask,
// causal square and Tq != Tk, keys across the optimized kernel's block edge),
// and MultiHeadAttention vs torch.nn.MultiheadAttention: the fixture holds
// torch-layout in_proj / out_proj weights; nn::keras_mha_weights_from_torch
// converts them (docs/attention_layout.md), so the gradients compared are torch's own.
#include <gtest/gtest.h>

#include "deepfin/nn/layers/multi_head_attention.h"
#include "deepfin/ops/attention.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

Tensor attention_op(const Inputs& in, const nlohmann::json& attrs) {
  if (attrs.at("op") == "attention")
    return deepfin::attention(in.at("q"), in.at("k"), in.at("v"), optional_input(in, "mask"),
                              {.causal = attrs.at("causal").get<bool>()});
  // multi_head_attention: self-attention with a key padding mask, or cross-attention with a causal mask.
  const Tensor& query = in.at("query");
  const int64_t E = query.size(2), heads = attrs.at("num_heads").get<int64_t>();
  nn::MultiHeadAttention layer(heads, E / heads, {.dtype = query.dtype()});
  layer.build({query.size(1), E});
  const nn::MultiHeadAttentionWeights w = nn::keras_mha_weights_from_torch(
      in.at("in_proj_weight"), in.at("in_proj_bias"), in.at("out_proj_weight"), in.at("out_proj_bias"), heads);
  const std::map<std::string, Tensor> by_name = {{"query_kernel", w.query_kernel},   {"query_bias", w.query_bias},
                                                 {"key_kernel", w.key_kernel},       {"key_bias", w.key_bias},
                                                 {"value_kernel", w.value_kernel},   {"value_bias", w.value_bias},
                                                 {"output_kernel", w.output_kernel}, {"output_bias", w.output_bias}};
  for (nn::Weight& weight : layer.weights()) weight.value = by_name.at(weight.name);
  const Tensor value = optional_input(in, "value");
  if (value.defined()) return layer.call_attention(query, value, {}, {}, attrs.at("causal").get<bool>());
  return layer.call_masked(query, in.at("key_mask"));
}

const std::vector<std::string> kAttentionCases = {
    "attention_plain",     "attention_padding_mask",     "attention_causal",          "attention_causal_rect",
    "attention_long_keys", "attention_mha_self_padding", "attention_mha_cross_causal"};

class AttentionParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(AttentionParity, OutputsAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, attention_op));
}

INSTANTIATE_TEST_SUITE_P(Torch, AttentionParity, cases_with_variants(kAttentionCases), CaseParamName());

TEST(AttentionParityIndex, CoversEveryFixture) {
  EXPECT_EQ(family_cases("attention"), kAttentionCases);
}

}  // namespace
}  // namespace deepfin::parity
