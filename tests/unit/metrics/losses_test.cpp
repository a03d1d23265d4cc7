#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/losses/loss.h"

namespace deepfin {
namespace {

double softmax_at(const std::vector<double>& row, size_t k) {
  double z = 0;
  for (double v : row) z += std::exp(v);
  return std::exp(row[k]) / z;
}

TEST(Losses, CategoricalCrossentropyOnProbabilitiesAndLogits) {
  const std::vector<double> p{0.2, 0.7, 0.1, 0.5, 0.25, 0.25};
  Tensor probs = from_vector(p, {2, 3});
  Tensor onehot = from_vector(std::vector<double>{0, 1, 0, 0, 0, 1}, {2, 3});
  const double expected = -(std::log(0.7) + std::log(0.25)) / 2;
  EXPECT_NEAR(losses::get("categorical_crossentropy")->operator()(onehot, probs).item(), expected, 1e-6);

  const std::vector<double> z{1.0, -0.5, 2.0, 0.3, 0.3, -1.0};
  Tensor logits = from_vector(z, {2, 3});
  const double from_logits =
      -(std::log(softmax_at({1.0, -0.5, 2.0}, 1)) + std::log(softmax_at({0.3, 0.3, -1.0}, 2))) / 2;
  auto loss = losses::get("CategoricalCrossentropy", true);
  EXPECT_TRUE(loss->from_logits());
  EXPECT_NEAR((*loss)(onehot, logits).item(), from_logits, 1e-6);
}

TEST(Losses, SparseAcceptsFloatAndColumnLabelsAndWeights) {
  const std::vector<double> z{1.0, -0.5, 2.0, 0.3, 0.3, -1.0};
  Tensor logits = from_vector(z, {2, 3});
  const double l0 = -std::log(softmax_at({1.0, -0.5, 2.0}, 2)), l1 = -std::log(softmax_at({0.3, 0.3, -1.0}, 0));
  auto loss = losses::get("sparse_categorical_crossentropy", true);
  EXPECT_NEAR((*loss)(from_vector(std::vector<int64_t>{2, 0}, {2}), logits).item(), (l0 + l1) / 2, 1e-6);
  EXPECT_NEAR((*loss)(from_vector(std::vector<double>{2, 0}, {2, 1}), logits).item(), (l0 + l1) / 2, 1e-6);
  Tensor w = from_vector(std::vector<double>{2.0, 0.5}, {2});
  EXPECT_NEAR((*loss)(from_vector(std::vector<int64_t>{2, 0}, {2}), logits, w).item(), (2 * l0 + 0.5 * l1) / 2, 1e-6);
  // On probabilities: -log p[label].
  Tensor probs = from_vector(std::vector<double>{0.2, 0.7, 0.1, 0.5, 0.25, 0.25}, {2, 3});
  EXPECT_NEAR(losses::get("sparse_categorical_crossentropy")
                  ->
                  operator()(from_vector(std::vector<int64_t>{1, 0}, {2}), probs)
                  .item(),
              -(std::log(0.7) + std::log(0.5)) / 2, 1e-6);
}

TEST(Losses, BinaryCrossentropyAlignsTrailingAxis) {
  Tensor p = from_vector(std::vector<double>{0.9, 0.2, 0.6}, {3, 1});
  Tensor y = from_vector(std::vector<double>{1, 0, 0}, {3});
  const double expected = -(std::log(0.9) + std::log(0.8) + std::log(0.4)) / 3;
  EXPECT_NEAR(losses::get("binary_crossentropy")->operator()(y, p).item(), expected, 1e-6);
  Tensor z = from_vector(std::vector<double>{0.5, -1.0, 2.0}, {3, 1});
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  const double from_logits = -(std::log(sig(0.5)) + std::log(1 - sig(-1.0)) + std::log(1 - sig(2.0))) / 3;
  EXPECT_NEAR(losses::get("binary_crossentropy", true)->operator()(y, z).item(), from_logits, 1e-6);
}

TEST(Losses, RegressionLossesClosedForm) {
  Tensor pred = from_vector(std::vector<double>{1.0, 2.0, -1.0, 0.5}, {2, 2});
  Tensor target = from_vector(std::vector<double>{0.0, 2.5, 1.5, 0.5}, {2, 2});
  Tensor w = from_vector(std::vector<double>{1.0, 3.0}, {2, 1});
  // Per-sample means: mse (1 + 0.25)/2, (6.25 + 0)/2; mae (1 + 0.5)/2, (2.5 + 0)/2.
  EXPECT_NEAR(losses::get("mse")->operator()(target, pred).item(), (0.625 + 3.125) / 2, 1e-9);
  EXPECT_NEAR(losses::get("mean_squared_error")->operator()(target, pred, w).item(), (0.625 + 3 * 3.125) / 2, 1e-9);
  EXPECT_NEAR(losses::get("mae")->operator()(target, pred).item(), (0.75 + 1.25) / 2, 1e-9);
  // Huber with delta 1: 0.5 e^2 inside, |e| - 0.5 outside.
  const double h = ((1 - 0.5) + 0.5 * 0.25 + (2.5 - 0.5) + 0) / 4;
  EXPECT_NEAR(losses::get("huber")->operator()(target, pred).item(), h, 1e-9);
  losses::Huber wide(3.0);
  EXPECT_NEAR(wide(target, pred).item(), (0.5 * 1 + 0.5 * 0.25 + 0.5 * 6.25 + 0) / 4, 1e-9);
}

TEST(Losses, GradientFlowsToPredictions) {
  Tensor pred = from_vector(std::vector<double>{1.0, 2.0}, {2, 1});
  pred.set_requires_grad();
  Tensor target = from_vector(std::vector<double>{0.0, 0.0}, {2});
  losses::get("mse")->operator()(target, pred).backward();
  ASSERT_TRUE(pred.grad().defined());
  EXPECT_NEAR(pred.grad().at({0, 0}), 1.0, 1e-9);  // d/dp (p^2 / 2) summed over 2 samples / 2
  EXPECT_NEAR(pred.grad().at({1, 0}), 2.0, 1e-9);
}

TEST(Losses, BadInputErrorsNameTheOp) {
  Tensor pred = from_vector(std::vector<double>{1.0, 2.0, 3.0}, {3, 1});
  Tensor target = from_vector(std::vector<double>{0.0, 0.0}, {2, 1});
  try {
    losses::get("mse")->operator()(target, pred);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("mse"), std::string::npos) << e.what();
  }
  Tensor logits = from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2});
  EXPECT_THROW(losses::get("sparse_categorical_crossentropy", true)
                   ->
                   operator()(from_vector(std::vector<int64_t>{0, 5}, {2}), logits),
               IndexError);
  EXPECT_THROW(losses::Huber(-1.0), ValueError);
}

TEST(Losses, RegistryNamesAndConfigRoundTrip) {
  try {
    losses::get("hinge");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sparse_categorical_crossentropy"), std::string::npos);
  }
  for (const char* name :
       {"categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy", "mse", "mae", "huber"}) {
    auto loss = losses::get(name, std::string(name).find("crossentropy") != std::string::npos);
    auto back = losses::from_config(losses::serialize(*loss));
    EXPECT_EQ(back->class_name(), loss->class_name());
    EXPECT_EQ(back->get_config(), loss->get_config());
  }
  auto huber = losses::from_config(losses::serialize(losses::Huber(2.5)));
  EXPECT_DOUBLE_EQ(dynamic_cast<losses::Huber&>(*huber).delta(), 2.5);
  EXPECT_EQ(losses::from_config("mean_absolute_error")->name(), "mean_absolute_error");
}

}  // namespace
}  // namespace deepfin
