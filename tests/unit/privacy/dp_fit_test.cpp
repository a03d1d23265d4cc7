// DP-SGD through Model::fit: the noise it adds, the batches it samples, the
// epsilon it reports and records, and the settings it refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/models/model.h"
#include "deepfin/models/sequential.h"
#include "deepfin/nn/layers.h"
#include "deepfin/optim/adam.h"
#include "deepfin/optim/sgd.h"
#include "deepfin/privacy/noise_source.h"
#include "deepfin/privacy/privacy_options.h"
#include "deepfin/privacy/prv_accountant.h"
#include "deepfin/privacy/rdp_accountant.h"

namespace deepfin::privacy {
namespace {

double stddev(const std::vector<double>& v) {
  double mean = 0.0, sq = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  return std::sqrt(sq / static_cast<double>(v.size() - 1));
}

// A model whose per-example gradients are all zero (zero inputs, no bias), so
// one SGD step with learning rate 1 moves each weight by minus the noise / n.
std::vector<double> noise_of_one_step(bool secure, double sigma, double clip) {
  auto model = std::make_shared<models::Sequential>(
      std::vector<std::shared_ptr<nn::Layer>>{layers::Dense(4000, {.use_bias = false, .input_shape = {1}})});
  model->compile({.optimizer = optim::SGD({.learning_rate = 1.0}), .loss = "mse"});
  const int64_t n = 8;
  const Tensor before = model->get_weights()[0].clone();
  model->fit(zeros({n, 1}), zeros({n, 4000}),
             {.epochs = 1,
              .batch_size = n,
              .verbose = 0,
              .privacy = PrivacyOptions{.noise_multiplier = sigma, .max_grad_norm = clip, .secure_rng = secure}});
  const auto a = before.to_vector<double>(), b = model->get_weights()[0].to_vector<double>();
  std::vector<double> moved(a.size());
  for (size_t i = 0; i < a.size(); ++i) moved[i] = (a[i] - b[i]) * static_cast<double>(n);
  return moved;
}

TEST(DpFit, NoiseStandardDeviationIsSigmaTimesClipNorm) {
  for (const bool secure : {false, true}) {
    const auto noise = noise_of_one_step(secure, 1.3, 0.7);
    // 4000 draws: the sample std is within 5% of the truth with overwhelming probability.
    EXPECT_NEAR(stddev(noise), 1.3 * 0.7, 0.05 * 1.3 * 0.7) << (secure ? "OpenSSL" : "seeded");
  }
  // The CSPRNG never repeats a stream; the seeded generator always does.
  EXPECT_NE(noise_of_one_step(true, 1.0, 1.0), noise_of_one_step(true, 1.0, 1.0));
  const auto first = noise_of_one_step(false, 1.0, 1.0), again = noise_of_one_step(false, 1.0, 1.0);
  ASSERT_EQ(first.size(), again.size());
  for (size_t i = 0; i < first.size(); ++i) ASSERT_NEAR(first[i], again[i], 1e-4);  // float rounding of w + noise
}

TEST(DpFit, PoissonBatchesVaryAroundTheExpectedSize) {
  NoiseSource source(false, 3);
  std::vector<double> sizes;
  for (int k = 0; k < 400; ++k) {
    const auto rows = source.poisson_sample(1000, 0.05);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    sizes.push_back(static_cast<double>(rows.size()));
  }
  double mean = 0.0;
  for (double s : sizes) mean += s / static_cast<double>(sizes.size());
  EXPECT_NEAR(mean, 50.0, 2.0);
  EXPECT_NEAR(stddev(sizes), std::sqrt(1000 * 0.05 * 0.95), 1.5);  // binomial spread
}

std::shared_ptr<models::Sequential> small_classifier(double learning_rate = 0.001) {
  set_random_seed(5);
  auto model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(8, {.activation = "relu", .input_shape = {4}}), layers::Dense(1, {.activation = "sigmoid"})});
  model->compile({.optimizer = optim::Adam({.learning_rate = learning_rate}),
                  .loss = "binary_crossentropy",
                  .metrics = {"accuracy"}});
  return model;
}

struct Data {
  Tensor x, y;
};

Data separable(int64_t n) {
  Generator gen(11);
  Tensor x = randn({n, 4}, DType::float32, 0.0, 1.0, &gen);
  const std::vector<float> v = x.to_vector<float>();
  std::vector<float> y(static_cast<size_t>(n));
  for (size_t i = 0; i < y.size(); ++i) y[i] = v[4 * i] + v[4 * i + 1] > 0 ? 1.f : 0.f;
  return {x, from_vector(y, {n, 1})};
}

TEST(DpFit, ReportsEpsilonEachEpochAndRecordsTheGuarantee) {
  const Data d = separable(400);
  auto model = small_classifier();
  const auto history = model->fit(d.x, d.y,
                                  {.epochs = 3,
                                   .batch_size = 40,
                                   .verbose = 0,
                                   .privacy = PrivacyOptions{.noise_multiplier = 1.1, .secure_rng = false}});
  const auto& eps = history.history.at("epsilon");
  ASSERT_EQ(eps.size(), 3u);
  EXPECT_LT(eps[0], eps[1]);
  EXPECT_LT(eps[1], eps[2]);
  const Guarantee g = guarantee_from_json(model->attachment("privacy"));
  EXPECT_EQ(g.steps, 30);  // 10 expected batches of 40 in 400 examples, 3 epochs
  EXPECT_DOUBLE_EQ(g.sample_rate, 0.1);
  EXPECT_DOUBLE_EQ(g.delta, std::min(1e-5, std::pow(1.0 / 400, 1.1)));
  EXPECT_DOUBLE_EQ(g.epsilon, rdp_epsilon(0.1, 1.1, 30, g.delta));
  EXPECT_DOUBLE_EQ(g.epsilon, eps[2]);
  EXPECT_FALSE(g.secure_rng);

  // The guarantee survives saving; training again composes with it.
  const auto path = std::filesystem::temp_directory_path() / "deepfin_dp_fit_test.safetensors";
  model->save(path.string());
  auto loaded = models::load_model(path.string());
  std::filesystem::remove(path);
  EXPECT_DOUBLE_EQ(guarantee_from_json(loaded->attachment("privacy")).epsilon, g.epsilon);
  model->fit(d.x, d.y,
             {.epochs = 1,
              .batch_size = 40,
              .verbose = 0,
              .privacy = PrivacyOptions{.noise_multiplier = 1.1, .secure_rng = false}});
  EXPECT_DOUBLE_EQ(guarantee_from_json(model->attachment("privacy")).epsilon, rdp_epsilon(0.1, 1.1, 40, g.delta));
  // Training without DP ends the guarantee.
  model->fit(d.x, d.y, {.epochs = 1, .batch_size = 40, .verbose = 0});
  EXPECT_TRUE(model->attachment("privacy").is_null());
}

TEST(DpFit, TargetEpsilonIsMetWithoutOvershooting) {
  const Data d = separable(400);
  auto model = small_classifier();
  model->fit(
      d.x, d.y,
      {.epochs = 4, .batch_size = 40, .verbose = 0, .privacy = PrivacyOptions{.epsilon = 2.0, .secure_rng = false}});
  const Guarantee solved = guarantee_from_json(model->attachment("privacy"));
  EXPECT_EQ(solved.steps, 40);
  EXPECT_LE(solved.epsilon, 2.0);
  EXPECT_GT(solved.epsilon, 1.99);

  // With the noise fixed and a budget too small for the plan, training stops at the budget.
  auto budgeted = small_classifier();
  budgeted->fit(d.x, d.y,
                {.epochs = 20,
                 .batch_size = 40,
                 .verbose = 0,
                 .privacy = PrivacyOptions{.epsilon = 1.0, .noise_multiplier = 1.0, .secure_rng = false}});
  const Guarantee stopped = guarantee_from_json(budgeted->attachment("privacy"));
  EXPECT_LE(stopped.epsilon, 1.0);
  EXPECT_LT(stopped.steps, 200);
  EXPECT_GT(rdp_epsilon(0.1, 1.0, stopped.steps + 1, stopped.delta), 1.0);  // one more step would overshoot
}

TEST(DpFit, ThePrvAccountantReportsAndRecordsItsTighterEpsilon) {
  const Data d = separable(400);
  auto model = small_classifier();
  const auto history =
      model->fit(d.x, d.y,
                 {.epochs = 2,
                  .batch_size = 40,
                  .verbose = 0,
                  .privacy = PrivacyOptions{.noise_multiplier = 1.1, .accountant = "prv", .secure_rng = false}});
  const Guarantee g = guarantee_from_json(model->attachment("privacy"));
  EXPECT_EQ(g.accountant, "prv");
  EXPECT_EQ(g.steps, 20);
  EXPECT_DOUBLE_EQ(g.epsilon, prv_epsilon({{0.1, 1.1, 20}}, g.delta).epsilon);
  EXPECT_DOUBLE_EQ(history.history.at("epsilon").back(), g.epsilon);
  EXPECT_LT(g.epsilon, rdp_epsilon(0.1, 1.1, 20, g.delta));
}

TEST(DpFit, LearnsASeparableProblemUnderModestPrivacy) {
  const Data d = separable(2000);
  auto model = small_classifier(0.02);
  model->fit(
      d.x, d.y,
      {.epochs = 5, .batch_size = 100, .verbose = 0, .privacy = PrivacyOptions{.epsilon = 3.0, .secure_rng = false}});
  EXPECT_GT(model->evaluate(d.x, d.y).at("accuracy"), 0.85);
}

TEST(DpFit, RefusesBadSettingsAndLayersWithAMessage) {
  const Data d = separable(50);
  auto fails_with = [&](PrivacyOptions options, const std::string& needle) {
    auto model = small_classifier();
    try {
      model->fit(d.x, d.y, {.epochs = 1, .batch_size = 10, .verbose = 0, .privacy = options});
      ADD_FAILURE() << "accepted; expected an error naming " << needle;
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  fails_with({.epsilon = 0.0}, "epsilon");
  fails_with({.epsilon = -1.0}, "epsilon");
  fails_with({.noise_multiplier = 0.0}, "noise multiplier");
  fails_with({.noise_multiplier = 1.0, .delta = 1.5}, "delta");
  fails_with({.noise_multiplier = 1.0, .delta = -0.1}, "delta");
  fails_with({.noise_multiplier = 1.0, .max_grad_norm = 0.0}, "max_grad_norm");
  fails_with({}, "give epsilon");
  fails_with({.noise_multiplier = 1.0, .accountant = "moments"}, "accountant");

  auto bn = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(4, {.input_shape = {4}}), layers::BatchNormalization(), layers::Dense(1)});
  bn->compile({.optimizer = "sgd", .loss = "mse"});
  try {
    bn->fit(d.x, d.y, {.epochs = 1, .verbose = 0, .privacy = PrivacyOptions{.noise_multiplier = 1.0}});
    ADD_FAILURE() << "BatchNormalization accepted under DP";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("LayerNormalization"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::privacy
