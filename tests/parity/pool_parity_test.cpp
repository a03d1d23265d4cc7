// Pooling against torch (max with TF-style "same" padding done by -inf F.pad; see README.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "deepfin/ops/pooling.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kPoolCases = {
    "max_pool2d_valid", "max_pool2d_valid_overlap", "max_pool2d_same", "max_pool2d_same_3x3",
    "avg_pool2d_valid", "avg_pool2d_valid_overlap", "avg_pool2d_same", "global_avg_pool2d",
};

Tensor run_pool(const Inputs& in, const nlohmann::json& attrs) {
  const std::string op = attrs.at("op");
  if (op == "global_avg_pool2d") return global_avg_pool2d(in.at("x"));
  Pool2dOptions options;
  options.pool_size = attrs.at("pool_size").get<std::array<int64_t, 2>>();
  options.strides = attrs.at("strides").get<std::array<int64_t, 2>>();
  options.padding = padding_from_name(attrs.at("padding").get<std::string>());
  if (op == "max_pool2d") return max_pool2d(in.at("x"), options);
  if (op == "avg_pool2d") return avg_pool2d(in.at("x"), options);
  throw ValueError(fmt::format("pool parity: unknown op {}", op));
}

class PoolParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(PoolParity, MatchesTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, run_pool));
}

INSTANTIATE_TEST_SUITE_P(Torch, PoolParity, cases_with_variants(kPoolCases), CaseParamName());

TEST(PoolParityIndex, CoversEveryPoolFixture) {
  EXPECT_EQ(family_cases("pool"), kPoolCases);
}

TEST(PoolParityErrors, RankThreeInputNamesOp) {
  try {
    max_pool2d(zeros({2, 4, 4}));
    FAIL() << "max_pool2d accepted a rank-3 input";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("max_pool2d"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::parity
