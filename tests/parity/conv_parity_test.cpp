// conv2d against torch.nn.functional.conv2d (NHWC/HWIO here, NCHW/OIHW in torch; see README.md).
#include <gtest/gtest.h>

#include "deepfin/ops/conv.h"
#include "parity/parity_util.h"
#include "testing/fixtures.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kConvCases = {
    "conv2d_valid",     "conv2d_same",           "conv2d_same_stride2", "conv2d_stride2_valid",
    "conv2d_dilation2", "conv2d_dilation2_same", "conv2d_bias",         "conv2d_bias_same_stride2",
};

Tensor run_conv(const Inputs& in, const nlohmann::json& attrs) {
  Conv2dOptions options;
  options.strides = attrs.at("strides").get<std::array<int64_t, 2>>();
  options.dilation = attrs.at("dilation").get<std::array<int64_t, 2>>();
  options.padding = padding_from_name(attrs.at("padding").get<std::string>());
  return conv2d(in.at("x"), in.at("kernel"), optional_input(in, "bias"), options);
}

class ConvParity : public ::testing::TestWithParam<CaseParam> {};

TEST_P(ConvParity, MatchesTorch) {
  const auto& [name, variant] = GetParam();
  EXPECT_TRUE(check_op_case(name, variant, run_conv));
}

INSTANTIATE_TEST_SUITE_P(Torch, ConvParity, cases_with_variants(kConvCases), CaseParamName());

TEST(ConvParityIndex, CoversEveryConvFixture) {
  EXPECT_EQ(family_cases("conv"), kConvCases);
}

// The fixtures' shapes come from conv_output_size; check it agrees with torch's output shapes.
TEST(ConvParityIndex, OutputSizeMatchesTorchShapes) {
  for (const auto& name : kConvCases) {
    const auto fixture = testing::load_fixture(name);
    const auto& attrs = fixture.at("attrs");
    const Shape x = fixture.at("inputs").at("x").at("shape").get<Shape>();
    const Shape k = fixture.at("inputs").at("kernel").at("shape").get<Shape>();
    const Shape out = fixture.at("output").at("shape").get<Shape>();
    const Padding padding = padding_from_name(attrs.at("padding").get<std::string>());
    for (int axis = 0; axis < 2; ++axis) {
      EXPECT_EQ(conv_output_size(x[1 + axis], k[axis], attrs.at("strides")[axis], attrs.at("dilation")[axis], padding),
                out[1 + axis])
          << name << " axis " << axis;
    }
  }
}

TEST(ConvParityErrors, ChannelMismatchNamesOp) {
  const auto fixture = testing::load_fixture("conv2d_valid");
  Tensor x = testing::fixture_tensor(fixture.at("inputs").at("x"));  // (2, 6, 5, 3)
  Tensor kernel = zeros({3, 3, 2, 4}, DType::float64);               // expects 2 input channels
  try {
    conv2d(x, kernel);
    FAIL() << "conv2d accepted 3 input channels for a kernel with 2";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("conv2d"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::parity
