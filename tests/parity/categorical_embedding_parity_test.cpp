// CategoricalEmbedding against torch (F.embedding per code column + torch.cat): the output
// and the gradients of sum(out * R) for both tables and the input (zero on code columns).
#include <gtest/gtest.h>

#include "deepfin/nn/layers/categorical_embedding.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

Tensor categorical_embedding_layer(const Inputs& in, const nlohmann::json& attrs) {
  const Tensor& x = in.at("x");
  std::vector<nn::CategoricalSlot> slots;
  for (const nlohmann::json& s : attrs.at("slots"))
    slots.push_back({.feature = s.at("feature"), .cardinality = s.at("cardinality"), .output_dim = s.at("output_dim")});
  nn::CategoricalEmbedding layer(slots, {.dtype = x.dtype()});
  layer.build({x.size(1)});
  // Hand the fixture's tables to the layer so their gradients reach the fixture inputs.
  for (nn::Weight& w : layer.weights()) w.value = in.at(w.name);
  return layer.call(x);
}

class CategoricalEmbeddingParity : public ::testing::TestWithParam<Variant> {};

TEST_P(CategoricalEmbeddingParity, OutputAndGradientsMatchTorch) {
  EXPECT_TRUE(check_op_case("categorical_embedding", GetParam(), categorical_embedding_layer));
}

INSTANTIATE_TEST_SUITE_P(Torch, CategoricalEmbeddingParity, ::testing::ValuesIn(op_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.label(); });

TEST(CategoricalEmbeddingParityIndex, CoversTheFixture) {
  EXPECT_EQ(family_cases("categorical_embedding"), std::vector<std::string>{"categorical_embedding"});
}

}  // namespace
}  // namespace deepfin::parity
