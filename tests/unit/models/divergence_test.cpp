// A model whose training diverges, or whose inputs overflow float32, must say so:
// the loss turning NaN stops fit with an error (unless TerminateOnNaN was asked
// for), a NaN model is neither saved nor loaded, and predict names a NaN output.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::make_blobs;
using testing::temp_path;

std::shared_ptr<models::Sequential> blob_model(double learning_rate) {
  auto model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(16, {.activation = "relu", .input_shape = {4}}), layers::Dense(3, {.activation = "softmax"})});
  model->compile({.optimizer = optim::SGD({.learning_rate = learning_rate}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy", "auc"}});
  return model;
}

TEST(Divergence, ANaNLossStopsFitWithAnErrorNamingEpochAndBatch) {
  set_random_seed(3);
  const auto blobs = make_blobs(256, 1);
  auto model = blob_model(1e6);  // "1e6" for "1e-6": the weights explode within a few steps
  EXPECT_THROW_WITH(model->fit(blobs.x, blobs.y_onehot, {.epochs = 20, .batch_size = 32, .verbose = 0}), ValueError,
                    "training diverged");
  try {
    model->fit(blobs.x, blobs.y_onehot, {.epochs = 1, .batch_size = 32, .verbose = 0});
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("at epoch 1, batch "), std::string::npos) << e.what();
  }
  // The model is not saved with NaN weights: no reader would take it.
  const std::string path = temp_path("diverged.safetensors");
  EXPECT_THROW_WITH(model->save(path), ValueError, "holds NaN or Inf");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Divergence, TerminateOnNaNStopsWithoutAnError) {
  set_random_seed(3);
  const auto blobs = make_blobs(256, 1);
  auto model = blob_model(1e6);
  std::ostringstream log;
  const train::History h = model->fit(
      blobs.x, blobs.y_onehot,
      {.epochs = 20, .batch_size = 32, .callbacks = {std::make_shared<train::TerminateOnNaN>(log)}, .verbose = 0});
  EXPECT_LT(h.epoch.size(), 20u);
}

TEST(Divergence, TerminateOnNaNWithCheckpointsKeepsTheLastGoodOne) {
  // The final checkpoint of NaN weights is not written (no reader would take it);
  // fit returns as TerminateOnNaN promises, and the last good checkpoint remains.
  set_random_seed(3);
  const auto blobs = make_blobs(256, 1);
  auto model = blob_model(1e6);
  const std::string dir = temp_path("nan_checkpoints");
  std::filesystem::remove_all(dir);
  std::ostringstream log;
  models::FitOptions options{.epochs = 20, .batch_size = 32, .verbose = 0};
  options.callbacks = {std::make_shared<train::TerminateOnNaN>(log)};
  options.checkpoint = train::CheckpointOptions{.directory = dir, .every_steps = 1, .keep = 50};
  const train::History h = model->fit(blobs.x, blobs.y_onehot, options);
  EXPECT_LT(h.epoch.size(), 20u);
  const auto files = train::list_checkpoints(dir);
  ASSERT_FALSE(files.empty());
  EXPECT_NO_THROW(load_model(files.front().string()));  // the newest is a good one
  std::filesystem::remove_all(dir);
}

TEST(Divergence, AUCOfNaNScoresIsNaNAndReturns) {
  // Was an endless loop: NaN never equals itself, so the tie walk never advanced.
  metrics::AUC auc;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auc.update_state(from_vector(std::vector<float>{1, 0, 1, 0}, {4}),
                   from_vector(std::vector<float>{nan, 0.2f, nan, 0.9f}, {4}));
  EXPECT_TRUE(std::isnan(auc.result()));
  metrics::AUC fine;
  fine.update_state(from_vector(std::vector<float>{1, 0}, {2}), from_vector(std::vector<float>{0.8f, 0.2f}, {2}));
  EXPECT_DOUBLE_EQ(fine.result(), 1.0);
}

TEST(Divergence, InputsThatOverflowFloat32AreNamedNotPredicted) {
  models::Sequential model(
      {layers::Dense(3, {.activation = "softmax", .kernel_initializer = "ones", .input_shape = {4}})});
  const Tensor x = from_vector(std::vector<float>{0.1f, 0.2f, 0.3f, 0.4f, 1e38f, 1e38f, 1e38f, 1e38f}, {2, 4});
  EXPECT_THROW_WITH(model.predict(x), ValueError, "output for sample 1 is not finite although its input is");
}

TEST(Divergence, EvaluateOnNoRowsIsAnError) {
  auto model = blob_model(0.01);
  EXPECT_THROW_WITH(model->evaluate(zeros({0, 4}), zeros({0, 3})), ValueError, "no samples");
}

TEST(Divergence, AFileWithNaNWeightsIsRefusedOnLoad) {
  auto model = blob_model(0.01);
  const std::string good = temp_path("good.safetensors"), bad = temp_path("nan.safetensors");
  model->save(good);
  io::SafetensorsFile file = io::load_safetensors(good);
  for (auto& [name, t] : file.tensors)
    if (name == "layers/" + model->layers()[0]->name() + "/kernel") t.data<float>()[5] = std::nanf("");
  io::save_safetensors(bad, file.tensors, file.metadata);  // fresh checksums: only the NaN is wrong
  EXPECT_THROW_WITH(models::load_model(bad), FileError, "holds NaN or Inf (element 5)");
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace deepfin
