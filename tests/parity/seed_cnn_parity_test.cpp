// The seed CNN composed from ops: conv 3x3x1->4 + relu -> maxpool 2 -> flatten (NHWC order)
// -> linear -> softmax cross-entropy; its loss and every parameter gradient against torch.
#include <gtest/gtest.h>

#include "deepfin/ops/activations.h"
#include "deepfin/ops/conv.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/losses.h"
#include "deepfin/ops/pooling.h"
#include "parity/parity_util.h"

namespace deepfin::parity {
namespace {

Tensor seed_cnn_loss(const Inputs& in, const nlohmann::json&) {
  Tensor h = relu(conv2d(in.at("x"), in.at("kernel"), in.at("bias")));  // (N, 6, 6, 4)
  h = max_pool2d(h, {.pool_size = {2, 2}});                             // (N, 3, 3, 4)
  h = h.reshape({h.size(0), -1});                                       // flatten keeps NHWC order, like Keras
  return softmax_cross_entropy(linear(h, in.at("W"), in.at("b")), in.at("targets"));
}

class SeedCnnParity : public ::testing::TestWithParam<Variant> {};

TEST_P(SeedCnnParity, LossAndParameterGradientsMatchTorch) {
  EXPECT_TRUE(check_op_case("seed_cnn", GetParam(), seed_cnn_loss));
}

INSTANTIATE_TEST_SUITE_P(Torch, SeedCnnParity, ::testing::ValuesIn(op_variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) { return info.param.label(); });

TEST(SeedCnnParityIndex, CoversTheSeedCnnFixture) {
  EXPECT_EQ(family_cases("seed_cnn"), std::vector<std::string>{"seed_cnn"});
}

}  // namespace
}  // namespace deepfin::parity
