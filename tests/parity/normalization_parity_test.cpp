// PyTorch parity of the rms_norm op (fixtures from generate_norm_fixtures.py):
// the output and the gradients of sum(out * R) for x and gamma, in float64 and
// float32, contiguous and strided.
#include <gtest/gtest.h>

#include "deepfin/ops/normalization.h"
#include "parity/parity_util.h"
#include "testing/fixtures.h"

namespace deepfin::parity {
namespace {

Tensor rms_norm_case(const Inputs& in, const nlohmann::json& attrs) {
  return rms_norm(in.at("x"), optional_input(in, "gamma"), attrs.at("epsilon"));
}

class NormalizationParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(NormalizationParity, OutputAndGradientsMatchTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, rms_norm_case));
}

INSTANTIATE_TEST_SUITE_P(Torch, NormalizationParity,
                         cases_with_variants({"norm_rms_scaled", "norm_rms_plain", "norm_rms_one_feature"}),
                         CaseParamName());

}  // namespace
}  // namespace deepfin::parity
