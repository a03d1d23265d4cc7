// The tabular layers against torch written out from their papers:
// PeriodicEmbedding (PLR, per-feature and lite), the TabM-mini chain EnsembleInput ->
// Dense(relu) -> EnsembleDense -> EnsembleMean at inference, and FeatureTokenizer with
// its [CLS] token. Each layer is handed the fixture's weights, so the gradients compared
// reach torch's own leaves.
#include <gtest/gtest.h>

#include "deepfin/nn/layers/dense.h"
#include "deepfin/nn/layers/ensemble.h"
#include "deepfin/nn/layers/feature_tokenizer.h"
#include "deepfin/nn/layers/periodic_embedding.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

// Builds `layer` for `input` and swaps its weights for the fixture's tensors of the same names
// (fixture key = prefix + weight name).
void use_fixture_weights(nn::Layer& layer, const Shape& input, const Inputs& in, const std::string& prefix = "") {
  layer.build(input);
  for (nn::Weight& w : layer.weights()) w.value = in.at(prefix + w.name);
}

Tensor tabular_layer(const Inputs& in, const nlohmann::json& attrs) {
  const Tensor& x = in.at("x");
  const std::string op = attrs.at("op");
  if (op == "periodic_embedding") {
    nn::PeriodicEmbedding layer(attrs.at("features").get<std::vector<int64_t>>(),
                                {.n_frequencies = attrs.at("n_frequencies"),
                                 .embedding_dim = attrs.at("embedding_dim"),
                                 .lite = attrs.at("lite"),
                                 .dtype = x.dtype()});
    use_fixture_weights(layer, {x.size(1)}, in);
    return layer.call(x);
  }
  if (op == "ensemble_mlp") {
    nn::EnsembleInput members(attrs.at("members"), {.dtype = x.dtype()});
    use_fixture_weights(members, {x.size(1)}, in);
    const Tensor spread = members.call(x);
    nn::Dense hidden(in.at("kernel").size(1), {.activation = "relu", .dtype = x.dtype()});
    use_fixture_weights(hidden, {spread.size(1), spread.size(2)}, in);
    const Tensor h = hidden.call(spread);
    nn::EnsembleDense heads(in.at("head_kernel").size(2), {.dtype = x.dtype()});
    use_fixture_weights(heads, {h.size(1), h.size(2)}, in, "head_");
    nn::EnsembleMean average({.dtype = x.dtype()});
    const Tensor out = heads.call(h);
    average.build({out.size(1), out.size(2)});
    return average.call(out, /*training=*/false);
  }
  nn::FeatureTokenizer layer(attrs.at("d_token"), {.dtype = x.dtype()});
  use_fixture_weights(layer, {x.size(1)}, in);
  return layer.call(x);
}

const std::vector<std::string> kTabularCases = {"periodic_embedding", "periodic_embedding_lite", "ensemble_mlp",
                                                "feature_tokenizer"};

class TabularLayersParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(TabularLayersParity, OutputsAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, tabular_layer));
}

INSTANTIATE_TEST_SUITE_P(Torch, TabularLayersParity, cases_with_variants(kTabularCases), CaseParamName());

TEST(TabularLayersParityIndex, CoversEveryFixture) {
  EXPECT_EQ(family_cases("tabular_layers"), kTabularCases);
}

}  // namespace
}  // namespace deepfin::parity
