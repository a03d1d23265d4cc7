// Optimizer trajectories against torch.optim: replay the stored gradients for 20 steps and
// compare the parameters after every step (Keras-form updates; see README.md and optim/*.h).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "deepfin/optim/optim.h"
#include "parity/parity_util.h"
#include "testing/fixtures.h"
#include "testing/gradcheck.h"

namespace deepfin::parity {
namespace {

const std::vector<std::string> kOptimCases = {
    "sgd_plain", "sgd_momentum",     "sgd_nesterov",     "adam", "adam_fast", "adamw", "adamw_strong_decay",
    "rmsprop",   "rmsprop_momentum", "rmsprop_centered",
};

std::shared_ptr<optim::Optimizer> make_optimizer(const std::string& kind, const nlohmann::json& o) {
  if (kind == "sgd")
    return optim::SGD(
        {.learning_rate = o.at("learning_rate"), .momentum = o.at("momentum"), .nesterov = o.at("nesterov")});
  if (kind == "adam")
    return optim::Adam({.learning_rate = o.at("learning_rate"),
                        .beta_1 = o.at("beta_1"),
                        .beta_2 = o.at("beta_2"),
                        .epsilon = o.at("epsilon")});
  if (kind == "adamw")
    return optim::AdamW({.learning_rate = o.at("learning_rate"),
                         .weight_decay = o.at("weight_decay"),
                         .beta_1 = o.at("beta_1"),
                         .beta_2 = o.at("beta_2"),
                         .epsilon = o.at("epsilon")});
  if (kind == "rmsprop")
    return optim::RMSprop({.learning_rate = o.at("learning_rate"),
                           .rho = o.at("rho"),
                           .momentum = o.at("momentum"),
                           .epsilon = o.at("epsilon"),
                           .centered = o.at("centered")});
  throw ValueError(fmt::format("optim parity: unknown optimizer {}", kind));
}

class OptimParity : public ::testing::TestWithParam<std::string> {};

TEST_P(OptimParity, TrajectoryMatchesTorch) {
  const auto fixture = testing::load_fixture(GetParam());
  auto opt = make_optimizer(fixture.at("optimizer"), fixture.at("options"));
  std::vector<float> params = testing::fixture_tensor(fixture.at("initial")).to_vector<float>();
  const Tensor grads = testing::fixture_tensor(fixture.at("grads"));      // (steps, n)
  const Tensor expected = testing::fixture_tensor(fixture.at("params"));  // (steps, n)
  const auto n = static_cast<int64_t>(params.size());
  for (int64_t step = 0; step < grads.size(0); ++step) {
    const std::vector<float> g = grads.select(0, step).to_vector<float>();
    opt->apply_gradients(params.data(), g.data(), n);
    // float32 state over 20 steps: rounding stays near 1e-7; a wrong convention is >= 1e-4.
    ASSERT_TRUE(testing::all_close(from_vector(params, {n}), expected.select(0, step), 1e-5, 1e-4))
        << GetParam() << " after step " << step + 1;
  }
  EXPECT_EQ(opt->iterations(), grads.size(0));
}

INSTANTIATE_TEST_SUITE_P(Torch, OptimParity, ::testing::ValuesIn(kOptimCases),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(OptimParityIndex, CoversEveryOptimizerFixture) {
  EXPECT_EQ(family_cases("optim"), kOptimCases);
}

TEST(OptimParityErrors, ArenaSizeChangeIsShapeError) {
  auto opt = optim::Adam({});
  std::vector<float> p(4, 1.0f), g(4, 0.5f);
  opt->apply_gradients(p.data(), g.data(), 4);
  EXPECT_THROW(opt->apply_gradients(p.data(), g.data(), 3), ShapeError);
}

TEST(ParityFixtures, MissingFixtureIsFileError) {
  EXPECT_THROW(testing::load_fixture("no_such_fixture"), FileError);
}

}  // namespace
}  // namespace deepfin::parity
