// SimpleRNN / LSTM / GRU against torch.nn.RNN(tanh) / LSTM / GRU: the fixture holds
// torch-layout weights; deepfin::keras_weights_from_torch converts them (gate blocks,
// transposes, summed or stacked biases; docs/recurrent_layout.md), so the gradients
// compared are torch's own. Output: [sequence, h_n, (c_n)] packed along time.
#include <gtest/gtest.h>

#include "deepfin/ops/recurrent.h"
#include "deepfin/ops/shape_ops.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

Tensor recurrent_op(const Inputs& in, const nlohmann::json& attrs) {
  const std::string op = attrs.at("op");
  const deepfin::RecurrentKind kind = op == "lstm"  ? deepfin::RecurrentKind::lstm
                                      : op == "gru" ? deepfin::RecurrentKind::gru
                                                    : deepfin::RecurrentKind::simple_rnn;
  const deepfin::KerasRecurrentWeights w = deepfin::keras_weights_from_torch(
      kind, in.at("weight_ih"), in.at("weight_hh"), in.at("bias_ih"), in.at("bias_hh"));
  const Tensor& x = in.at("x");
  const Tensor& h0 = in.at("h0");
  deepfin::RecurrentResult r;
  if (kind == deepfin::RecurrentKind::lstm)
    r = deepfin::lstm(x, w.kernel, w.recurrent_kernel, w.bias, h0, in.at("c0"));
  else if (kind == deepfin::RecurrentKind::gru)
    r = deepfin::gru(x, w.kernel, w.recurrent_kernel, w.bias, h0);
  else
    r = deepfin::simple_rnn(x, w.kernel, w.recurrent_kernel, w.bias, h0);
  std::vector<Tensor> parts{r.sequence, r.last_h.unsqueeze(1)};
  if (r.last_c.defined()) parts.push_back(r.last_c.unsqueeze(1));
  return concat(parts, 1);
}

const std::vector<std::string> kRecurrentCases = {"recurrent_rnn_tanh", "recurrent_lstm", "recurrent_lstm_single_step",
                                                  "recurrent_gru", "recurrent_gru_single_sample"};

class RecurrentParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(RecurrentParity, OutputsAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, recurrent_op));
}

INSTANTIATE_TEST_SUITE_P(Torch, RecurrentParity, cases_with_variants(kRecurrentCases), CaseParamName());

TEST(RecurrentParityIndex, CoversEveryFixture) {
  EXPECT_EQ(family_cases("recurrent"), kRecurrentCases);
}

}  // namespace
}  // namespace deepfin::parity
