// matmul and linear against torch (deepfin W is (in, out); torch weight = W.T; see README.md).
#include <gtest/gtest.h>

#include "deepfin/ops/linalg.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kLinalgCases = {
    "matmul_2d",   "matmul_batched",  "matmul_broadcast", "matmul_broadcast_rhs_2d",
    "linear_bias", "linear_3d_input", "linear_no_bias",
};

Tensor run_linalg(const Inputs& in, const nlohmann::json& attrs) {
  if (attrs.at("op") == "matmul") return matmul(in.at("a"), in.at("b"));
  return linear(in.at("x"), in.at("W"), optional_input(in, "b"));
}

class LinalgParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(LinalgParity, MatchesTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, run_linalg));
}

INSTANTIATE_TEST_SUITE_P(Torch, LinalgParity, cases_with_variants(kLinalgCases), CaseParamName());

TEST(LinalgParityIndex, CoversEveryLinalgFixture) {
  EXPECT_EQ(family_cases("linalg"), kLinalgCases);
}

// A transposed operand is the classic strided input of a GEMM: a^T viewed back must give a @ b.
TEST(LinalgParityStrided, TransposedViewOperand) {
  const Variant f64 = op_variants().front();
  EXPECT_TRUE(check_op_case("matmul_2d", f64, [](const Inputs& in, const nlohmann::json&) {
    Tensor a_t = in.at("a").transpose(0, 1).contiguous();  // (k, m), contiguous
    return matmul(a_t.transpose(0, 1), in.at("b"));        // its transpose is a strided (m, k) view
  }));
}

TEST(LinalgParityErrors, InnerMismatchNamesOpAndShapes) {
  try {
    matmul(zeros({3, 4}), zeros({5, 2}));
    FAIL() << "matmul accepted (3, 4) @ (5, 2)";
  } catch (const ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("matmul"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(3, 4)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(5, 2)"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace deepfin::parity
