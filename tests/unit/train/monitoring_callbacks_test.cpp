#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "deepfin/optim/optimizer.h"
#include "deepfin/train/train.h"
#include "fake_model.h"

namespace deepfin {
namespace {

using testing::FakeModel;

// Runs epochs with the given monitored values; before each epoch end the model's weights are
// marked with the epoch number, as if training had changed them. Returns the epochs run.
int drive(train::Callback& cb, FakeModel& model, const std::string& key, const std::vector<double>& values) {
  train::CallbackList list({std::shared_ptr<train::Callback>(&cb, [](train::Callback*) {})});
  list.set_model(&model);
  list.set_params({.epochs = static_cast<int>(values.size())});
  list.on_train_begin();
  int epochs = 0;
  for (int e = 0; e < static_cast<int>(values.size()) && !model.stop_training; ++e, ++epochs) {
    list.on_epoch_begin(e);
    model.set_marker(e);
    train::Logs logs{{key, values[static_cast<size_t>(e)]}, {"loss", 1.0}};
    list.on_epoch_end(e, logs);
  }
  list.on_train_end();
  return epochs;
}

TEST(History, RecordsEveryEpochsLogs) {
  FakeModel model;
  train::History h;
  drive(h, model, "val_loss", {0.5, 0.4, 0.45});
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(h.history["val_loss"], (std::vector<double>{0.5, 0.4, 0.45}));
  EXPECT_EQ(h.history["loss"].size(), 3u);
}

TEST(EarlyStopping, StopsAfterPatienceAndRestoresBestWeights) {
  FakeModel model;
  train::EarlyStopping es({.patience = 2, .restore_best_weights = true});
  // Best at epoch 1; epochs 2 and 3 do not improve → stop at epoch 3.
  EXPECT_EQ(drive(es, model, "val_loss", {1.0, 0.8, 0.9, 0.85, 0.7}), 4);
  EXPECT_TRUE(model.stop_training);
  EXPECT_EQ(es.stopped_epoch(), 3);
  EXPECT_EQ(es.best_epoch(), 1);
  EXPECT_DOUBLE_EQ(model.marker(), 1.0);  // weights from the end of epoch 1
  EXPECT_EQ(model.set_weights_calls, 1);
}

TEST(EarlyStopping, WithoutRestoreKeepsLastWeightsAndRunsOnWhileImproving) {
  FakeModel model;
  train::EarlyStopping es({.patience = 1});
  EXPECT_EQ(drive(es, model, "val_loss", {1.0, 0.9, 0.8, 0.7}), 4);
  EXPECT_FALSE(model.stop_training);
  FakeModel model2;
  train::EarlyStopping es2({.patience = 1});
  EXPECT_EQ(drive(es2, model2, "val_loss", {1.0, 1.1, 0.5}), 2);
  EXPECT_DOUBLE_EQ(model2.marker(), 1.0);
  EXPECT_EQ(model2.set_weights_calls, 0);
}

TEST(EarlyStopping, AutoModeMaximisesAccuracyAndMinDeltaCounts) {
  FakeModel model;
  train::EarlyStopping es({.monitor = "val_accuracy", .patience = 1});
  EXPECT_EQ(drive(es, model, "val_accuracy", {0.5, 0.6, 0.7, 0.65}), 4);
  EXPECT_TRUE(model.stop_training);
  // Gains below min_delta are not improvements.
  FakeModel model2;
  train::EarlyStopping es2({.monitor = "val_auc", .min_delta = 0.05, .patience = 1});
  EXPECT_EQ(drive(es2, model2, "val_auc", {0.5, 0.52, 0.53}), 2);
}

TEST(EarlyStopping, BaselineMustBeBeaten) {
  // Improving but never under the baseline: the counter keeps running, so the first
  // epoch that does not improve (epoch 2) stops training.
  FakeModel model;
  train::EarlyStopping es({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(drive(es, model, "val_loss", {0.9, 0.8, 0.85, 0.6}), 3);
  // Without the baseline the improvements reset the counter and training goes on.
  FakeModel model2;
  train::EarlyStopping es2({.patience = 2});
  EXPECT_EQ(drive(es2, model2, "val_loss", {0.9, 0.8, 0.85, 0.6}), 4);
}

TEST(EarlyStopping, BadModeIsConfigError) {
  try {
    train::EarlyStopping es({.mode = "sideways"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("EarlyStopping"), std::string::npos);
  }
}

TEST(ReduceLROnPlateau, ReducesAfterPatienceHonoursCooldownAndMinLr) {
  FakeModel model;
  train::ReduceLROnPlateau r({.factor = 0.5, .patience = 2, .cooldown = 1, .min_lr = 0.02});
  train::CallbackList list({std::shared_ptr<train::Callback>(&r, [](train::Callback*) {})});
  list.set_model(&model);
  list.on_train_begin();
  std::vector<double> lr_logged;
  // Flat loss. Each epoch logs the rate it trained with. e1 wait 1, e2 wait 2 → halve; e3 ends the
  // cooldown and counts wait 1 (Keras); e4 → halve; e6 → 0.0125, clipped to min_lr 0.02.
  for (int e = 0; e < 9; ++e) {
    train::Logs logs{{"val_loss", 1.0}};
    list.on_epoch_end(e, logs);
    lr_logged.push_back(logs.at("learning_rate"));
  }
  const std::vector<double> expected{0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(lr_logged[i], expected[i], 1e-12) << "epoch " << i;
  EXPECT_NEAR(model.optimizer().learning_rate(), 0.02, 1e-12);
  EXPECT_THROW(train::ReduceLROnPlateau({.factor = 1.5}), ValueError);
}

TEST(ReduceLROnPlateau, ImprovementResetsWait) {
  FakeModel model;
  train::ReduceLROnPlateau r({.factor = 0.5, .patience = 2});
  drive(r, model, "val_loss", {1.0, 0.99999, 0.9, 0.95, 0.8});  // 0.99999 is within min_delta
  EXPECT_DOUBLE_EQ(model.optimizer().learning_rate(), 0.1);
  drive(r, model, "val_loss", {1.0, 0.99999, 0.99998});
  EXPECT_DOUBLE_EQ(model.optimizer().learning_rate(), 0.05);
}

TEST(LearningRateScheduler, SetsRateEachEpochAndLogsIt) {
  FakeModel model;
  train::LearningRateScheduler s([](int epoch, double lr) { return epoch == 0 ? lr : lr * 0.5; });
  train::CallbackList list({std::shared_ptr<train::Callback>(&s, [](train::Callback*) {})});
  list.set_model(&model);
  for (int e = 0; e < 3; ++e) {
    list.on_epoch_begin(e);
    train::Logs logs;
    list.on_epoch_end(e, logs);
    EXPECT_NEAR(logs.at("learning_rate"), 0.1 * std::pow(0.5, e), 1e-12);
  }
  train::LearningRateScheduler bad([](int, double) { return NAN; });
  bad.set_model(&model);
  EXPECT_THROW(bad.on_epoch_begin(0, {}), ValueError);
}

TEST(TerminateOnNaN, StopsOnNaNOrInfLossOnly) {
  FakeModel model;
  std::ostringstream out;
  train::TerminateOnNaN t(out);
  t.set_model(&model);
  t.on_train_batch_end(0, {{"loss", 0.3}});
  EXPECT_FALSE(model.stop_training);
  t.on_train_batch_end(1, {{"loss", INFINITY}});
  EXPECT_TRUE(model.stop_training);
  model.stop_training = false;
  t.on_train_batch_end(2, {{"loss", NAN}});
  EXPECT_TRUE(model.stop_training);
  EXPECT_NE(out.str().find("Batch 2"), std::string::npos);
}

TEST(ModelCheckpoint, FormatsPathAndSavesOnlyImprovements) {
  FakeModel model;
  train::ModelCheckpoint every("m-{epoch:02d}-{val_loss:.2f}.safetensors");
  drive(every, model, "val_loss", {0.5, 0.25});
  EXPECT_EQ(model.saved, (std::vector<std::string>{"m-01-0.50.safetensors", "m-02-0.25.safetensors"}));

  FakeModel model2;
  train::ModelCheckpoint best("best.safetensors", {.save_best_only = true});
  drive(best, model2, "val_loss", {0.5, 0.6, 0.4, 0.45});
  EXPECT_EQ(model2.saved.size(), 2u);  // epochs 0 and 2

  FakeModel model3;
  train::ModelCheckpoint acc("acc-{epoch}.bin", {.monitor = "val_accuracy", .save_best_only = true});
  drive(acc, model3, "val_accuracy", {0.5, 0.6, 0.55});
  EXPECT_EQ(model3.saved, (std::vector<std::string>{"acc-1.bin", "acc-2.bin"}));

  train::ModelCheckpoint broken("m-{epoch:02d");
  try {
    broken.format_path(0, {});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ModelCheckpoint"), std::string::npos);
  }
}

}  // namespace
}  // namespace deepfin
