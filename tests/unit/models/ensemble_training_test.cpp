// TabM-mini inside a Sequential model: the training loss is the mean of the members'
// own losses (not the loss of their mean), evaluation scores the averaged output, the
// model learns, saves and loads, and DP-SGD refuses it with a clear message.
#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::temp_path;

std::shared_ptr<Sequential> tabm_mini(int64_t members, double learning_rate) {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::EnsembleInput(members, {.input_shape = {4}}), layers::Dense(8, {.activation = "relu"}),
      layers::EnsembleDense(1), layers::EnsembleMean({.activation = "sigmoid"})});
  m->compile({.optimizer = optim::SGD({.learning_rate = learning_rate}), .loss = "binary_crossentropy"});
  return m;
}

struct Binary {
  Tensor x, y;
};
// Class 1 when the first blob feature is high: separable, so training must help.
Binary binary_blobs(int64_t n) {
  const testing::Blobs b = testing::make_blobs(n, 9);
  const std::vector<int64_t> labels = b.y_sparse.to_vector<int64_t>();
  std::vector<float> y(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) y[i] = labels[i] == 0 ? 1.f : 0.f;
  return {b.x, from_vector(y, {n, 1})};
}

double bce(double logit, double y) {
  return std::log1p(std::exp(-std::abs(logit))) + std::max(logit, 0.0) - y * logit;
}

TEST(EnsembleTraining, TheLossIsTheMeanOfTheMembersLosses) {
  set_random_seed(4);
  auto m = tabm_mini(3, 0.0);  // a zero learning rate: the logged loss is that of these weights
  const Binary d = binary_blobs(12);
  m->build({4});
  // The members' logits, by running the layers by hand.
  Tensor h = d.x;
  const auto stack = m->layers();
  for (size_t i = 0; i + 1 < stack.size(); ++i) h = stack[i]->call(h, /*training=*/true);
  const std::vector<double> logits = h.to(DType::float64).to_vector<double>();  // (12, 3, 1)
  const std::vector<float> y = d.y.to_vector<float>();
  double members = 0, averaged = 0;
  for (size_t n = 0; n < 12; ++n) {
    double mean_logit = 0;
    for (size_t k = 0; k < 3; ++k) {
      members += bce(logits[n * 3 + k], y[n]);
      mean_logit += logits[n * 3 + k] / 3.0;
    }
    averaged += bce(mean_logit, y[n]);
  }
  const train::History history = m->fit(d.x, d.y, {.epochs = 1, .batch_size = 12, .shuffle = false, .verbose = 0});
  EXPECT_NEAR(history.history.at("loss").at(0), members / 36.0, 1e-5);
  // Evaluation scores the model's output: the sigmoid of the members' mean logit.
  EXPECT_NEAR(m->evaluate(d.x, d.y, 12).at("loss"), averaged / 12.0, 1e-5);
  EXPECT_GT(std::abs(members / 36.0 - averaged / 12.0), 1e-4);  // the two differ, so the check above means something
}

TEST(EnsembleTraining, LearnsSavesAndLoads) {
  set_random_seed(6);
  auto m = tabm_mini(4, 0.5);
  const Binary d = binary_blobs(96);
  const double before = m->evaluate(d.x, d.y, 96).at("loss");
  m->fit(d.x, d.y, {.epochs = 30, .batch_size = 16, .verbose = 0});
  const double after = m->evaluate(d.x, d.y, 96).at("loss");
  EXPECT_LT(after, 0.5 * before) << before << " -> " << after;
  const Tensor p = m->predict(d.x, 32);
  EXPECT_EQ(p.shape(), (Shape{96, 1}));
  const std::string path = temp_path("tabm_mini.safetensors");
  m->save(path);
  const auto loaded = models::load_model(path);
  EXPECT_TRUE(testing::same_bits(loaded->predict(d.x, 32), p));
  std::filesystem::remove(path);
}

TEST(EnsembleTraining, DpSgdRefusesTheEnsembleHead) {
  auto m = tabm_mini(2, 0.1);
  const Binary d = binary_blobs(16);
  EXPECT_THROW_WITH(m->fit(d.x, d.y,
                           {.epochs = 1,
                            .batch_size = 8,
                            .verbose = 0,
                            .privacy = privacy::PrivacyOptions{.noise_multiplier = 1.0, .secure_rng = false}}),
                    ValueError, "EnsembleMean");
}

}  // namespace
}  // namespace deepfin
