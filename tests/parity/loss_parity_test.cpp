// The fused losses against torch, with deepfin's reduction sum(w_i * l_i) / N computed
// explicitly on the torch side (see README.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "deepfin/ops/losses.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kLossCases = {
    "softmax_ce_onehot",
    "softmax_ce_soft_targets",
    "softmax_ce_onehot_weighted",
    "sparse_softmax_ce",
    "sparse_softmax_ce_weighted",
    "sigmoid_bce",
    "sigmoid_bce_weighted",
    "mse",
    "mse_weighted",
    "mae",
    "mae_weighted",
    "huber_delta1",
    "huber_delta1_weighted",
    "huber_delta0_5",
    "huber_delta0_5_weighted",
    "mse_3d",
    "qlike",
    "qlike_weighted",
};

Tensor run_loss(const Inputs& in, const nlohmann::json& attrs) {
  const std::string op = attrs.at("op");
  const Tensor w = optional_input(in, "weights");
  if (op == "softmax_cross_entropy") return softmax_cross_entropy(in.at("logits"), in.at("targets"), w);
  if (op == "sparse_softmax_cross_entropy") return sparse_softmax_cross_entropy(in.at("logits"), in.at("labels"), w);
  if (op == "sigmoid_binary_cross_entropy") return sigmoid_binary_cross_entropy(in.at("logits"), in.at("targets"), w);
  if (op == "mse_loss") return mse_loss(in.at("pred"), in.at("target"), w);
  if (op == "mae_loss") return mae_loss(in.at("pred"), in.at("target"), w);
  if (op == "qlike_loss") return qlike_loss(in.at("pred"), in.at("target"), w);
  if (op == "huber_loss") return huber_loss(in.at("pred"), in.at("target"), attrs.at("delta").get<double>(), w);
  throw ValueError(fmt::format("loss parity: unknown op {}", op));
}

class LossParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(LossParity, MatchesTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, run_loss));
}

INSTANTIATE_TEST_SUITE_P(Torch, LossParity, cases_with_variants(kLossCases), CaseParamName());

TEST(LossParityIndex, CoversEveryLossFixture) {
  EXPECT_EQ(family_cases("losses"), kLossCases);
}

template <class Fn>
void expect_error_naming(Fn fn, const std::string& op) {
  try {
    fn();
    FAIL() << op << " accepted bad input";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();
  }
}

TEST(LossParityErrors, BadInputsNameTheLoss) {
  EXPECT_THROW(softmax_cross_entropy(zeros({4, 3}), zeros({4, 5})), ShapeError);
  expect_error_naming([] { softmax_cross_entropy(zeros({4, 3}), zeros({4, 5})); }, "softmax_cross_entropy");
  EXPECT_THROW(sparse_softmax_cross_entropy(zeros({4, 3}), zeros({4})), DTypeError);  // float labels
  expect_error_naming([] { sparse_softmax_cross_entropy(zeros({4, 3}), zeros({4})); }, "sparse_softmax_cross_entropy");
  EXPECT_THROW(mse_loss(zeros({4, 3}, DType::int64), zeros({4, 3}, DType::int64)), DTypeError);
  expect_error_naming([] { mse_loss(zeros({4, 3}), zeros({3, 4})); }, "mse");
}

}  // namespace
}  // namespace deepfin::parity
