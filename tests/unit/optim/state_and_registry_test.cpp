#include <gtest/gtest.h>

#include "deepfin/optim/optim.h"
#include "quadratic.h"

namespace deepfin {
namespace {

using testing::Quadratic;

TEST(OptimizerState, SetStateResumesTheIdenticalTrajectory) {
  Quadratic q(11);
  std::vector<std::function<std::shared_ptr<optim::Optimizer>()>> makers{
      [] { return optim::Adam({.learning_rate = 0.01, .amsgrad = true}); },
      [] { return optim::SGD({.learning_rate = 0.05, .momentum = 0.9, .nesterov = true}); },
      [] { return optim::RMSprop({.momentum = 0.5, .centered = true}); }, [] { return optim::AdamW({}); }};
  for (const auto& make : makers) {
    auto first = make();
    auto p = q.run(*first, 10).back();
    auto saved = first->state();
    const auto continued = q.run(*first, 10, p).back();

    auto resumed = make();
    resumed->set_state(saved);
    EXPECT_EQ(resumed->iterations(), 10);
    const auto again = q.run(*resumed, 10, p).back();
    EXPECT_EQ(continued, again) << first->class_name();
  }
}

TEST(OptimizerState, StateNamesAndBadStateErrors) {
  auto adam = optim::Adam();
  std::vector<float> p(3), g(3, 1.0f);
  adam->apply_gradients(p.data(), g.data(), 3);
  auto st = adam->state();
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].first, "iterations");
  EXPECT_EQ(st[0].second.dtype(), DType::int64);
  EXPECT_EQ(st[1].first, "m");
  EXPECT_EQ(st[2].first, "v");
  EXPECT_EQ(st[1].second.shape(), (Shape{3}));
  EXPECT_THROW(optim::SGD({.momentum = 0.9})->set_state(st), ValueError);  // wrong slots
  auto other = optim::Adam();
  std::vector<float> p4(4), g4(4, 1.0f);
  other->apply_gradients(p4.data(), g4.data(), 4);
  EXPECT_THROW(other->set_state(st), ValueError);  // wrong arena size
}

TEST(OptimizerRegistry, GetByNameCaseInsensitive) {
  EXPECT_EQ(optim::get("ADAM")->class_name(), "Adam");
  EXPECT_EQ(optim::get("sgd")->class_name(), "SGD");
  EXPECT_EQ(optim::get("AdamW")->class_name(), "AdamW");
  EXPECT_EQ(optim::get("rmsprop")->class_name(), "RMSprop");
  EXPECT_DOUBLE_EQ(optim::get("sgd")->learning_rate(), 0.01);
  EXPECT_DOUBLE_EQ(optim::get("adam")->learning_rate(), 0.001);
  try {
    optim::get("adagrad_x");
    FAIL();
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("adagrad_x"), std::string::npos);
    EXPECT_NE(msg.find("rmsprop"), std::string::npos);
  }
}

TEST(OptimizerRegistry, ConfigRoundTrip) {
  std::vector<std::shared_ptr<optim::Optimizer>> all{
      optim::SGD({.learning_rate = 0.2, .momentum = 0.3, .nesterov = true, .clipvalue = 0.5}),
      optim::Adam({.learning_rate = 0.003, .beta_1 = 0.8, .amsgrad = true, .global_clipnorm = 2.0}),
      optim::AdamW({.weight_decay = 0.01, .clipnorm = 1.0}),
      optim::RMSprop({.rho = 0.8, .momentum = 0.1, .centered = true})};
  for (const auto& opt : all) {
    auto back = optim::from_config(optim::serialize(*opt));
    EXPECT_EQ(back->class_name(), opt->class_name());
    EXPECT_EQ(back->get_config(), opt->get_config()) << optim::serialize(*opt).dump();
  }
  EXPECT_THROW(optim::from_config(nlohmann::json{{"config", 1}}), ConfigError);
  EXPECT_THROW(optim::from_config({{"class_name", "SGD"}, {"config", {{"momentum", "high"}}}}), ConfigError);
}

}  // namespace
}  // namespace deepfin
