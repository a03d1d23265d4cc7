// softmax / log_softmax against torch over the last axis and axis 1 of a 3-D tensor.
#include <gtest/gtest.h>

#include "deepfin/ops/activations.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kSoftmaxCases = {
    "softmax_last_2d",     "softmax_last_3d",     "softmax_axis1_3d",
    "log_softmax_last_2d", "log_softmax_last_3d", "log_softmax_axis1_3d",
};

Tensor run_softmax(const Inputs& in, const nlohmann::json& attrs) {
  const int64_t axis = attrs.at("axis");
  if (attrs.at("op") == "softmax") return softmax(in.at("x"), axis);
  return log_softmax(in.at("x"), axis);
}

class SoftmaxParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(SoftmaxParity, MatchesTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, run_softmax));
}

INSTANTIATE_TEST_SUITE_P(Torch, SoftmaxParity, cases_with_variants(kSoftmaxCases), CaseParamName());

TEST(SoftmaxParityIndex, CoversEverySoftmaxFixture) {
  EXPECT_EQ(family_cases("softmax"), kSoftmaxCases);
}

TEST(SoftmaxParityErrors, AxisOutOfRangeNamesOp) {
  try {
    softmax(zeros({2, 3}), 2);
    FAIL() << "softmax accepted axis 2 of a rank-2 tensor";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::parity
