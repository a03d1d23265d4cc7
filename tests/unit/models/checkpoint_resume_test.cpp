// Checkpoints inside one process: a fit interrupted at a step (an exception
// from a callback, standing in for a crash) and resumed ends with the weights,
// history and CSV log of the fit that was never interrupted, bit for bit, with
// dropout drawing random numbers and a validation set. A corrupt newest
// checkpoint is skipped with a message; a checkpoint of other data is refused.
// (The CLI test kills a real process with SIGKILL: cli_resume_test.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"
#include "deepfin/train/lr_callbacks.h"
#include "model_test_util.h"

namespace deepfin {
namespace {

namespace fs = std::filesystem;
using testing::Blobs;
using testing::make_blobs;
using testing::same_bits;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Crash : std::runtime_error {
  Crash() : std::runtime_error("crash") {}
};

// Throws after `step` batches in all: the process "dies" there.
class CrashAt : public train::Callback {
 public:
  explicit CrashAt(int64_t step) : step_(step) {}
  void on_train_batch_end(int64_t, const train::Logs&) override {
    if (++seen_ == step_) throw Crash();
  }

 private:
  int64_t step_, seen_ = 0;
};

std::shared_ptr<Sequential> new_model() {
  set_random_seed(7);
  auto model = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(16, {.activation = "relu", .input_shape = {4}}),
      layers::Dropout(0.3),
      layers::Dense(3, {.activation = "softmax"}),
  });
  model->compile({.optimizer = optim::Adam({.learning_rate = 0.01}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy", "auc"}});
  return model;
}

class CheckpointResume : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_path(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  models::FitOptions options(bool resume, std::vector<std::shared_ptr<train::Callback>> callbacks = {}) {
    models::FitOptions o;
    o.epochs = 4;
    o.batch_size = 16;
    o.verbose = 0;
    o.validation_split = 0.2;
    o.callbacks = std::move(callbacks);
    o.checkpoint = train::CheckpointOptions{.directory = dir_ + "/ckpt", .every_steps = 5, .keep = 2, .resume = resume};
    return o;
  }
  std::string dir_;
  Blobs data_ = make_blobs(200, 3);
};

TEST_F(CheckpointResume, AFitResumedAfterACrashEndsBitIdentical) {
  // The fit never interrupted, with its own checkpoint directory.
  auto whole = new_model();
  auto whole_csv = std::make_shared<train::CSVLogger>(dir_ + "/whole.csv");
  models::FitOptions o = options(false, {whole_csv});
  o.checkpoint->directory = dir_ + "/other";
  const train::History expected = whole->fit(data_.x, data_.y_onehot, o);

  for (int64_t crash_step : {3, 10, 23, 40}) {  // mid-epoch, right after a checkpoint, near an epoch's end, the end
    SCOPED_TRACE(crash_step);
    fs::remove_all(dir_ + "/ckpt");
    fs::remove(dir_ + "/resumed.csv");
    auto first = new_model();
    EXPECT_THROW(first->fit(data_.x, data_.y_onehot,
                            options(false, {std::make_shared<train::CSVLogger>(dir_ + "/resumed.csv"),
                                            std::make_shared<CrashAt>(crash_step)})),
                 Crash);
    // A new process: the model is made afresh, with the same seed, and resumes.
    auto again = new_model();
    const train::History resumed =
        again->fit(data_.x, data_.y_onehot, options(true, {std::make_shared<train::CSVLogger>(dir_ + "/resumed.csv")}));
    const auto a = whole->get_weights(), b = again->get_weights();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i])) << "weight " << i;
    EXPECT_EQ(resumed.epoch, expected.epoch);
    EXPECT_EQ(resumed.history, expected.history);
    EXPECT_EQ(read_text(dir_ + "/resumed.csv"), read_text(dir_ + "/whole.csv"));
    EXPECT_LE(train::list_checkpoints(dir_ + "/ckpt").size(), 2u);  // keep = 2
  }
}

TEST_F(CheckpointResume, AModelWithoutMetricsResumes) {
  auto plain = [] {
    set_random_seed(7);
    auto model = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
        layers::Dense(8, {.activation = "relu", .input_shape = {4}}), layers::Dense(3, {.activation = "softmax"})});
    model->compile({.optimizer = optim::Adam({.learning_rate = 0.01}), .loss = "categorical_crossentropy"});
    return model;
  };
  auto whole = plain();
  models::FitOptions o = options(false);
  o.checkpoint->directory = dir_ + "/other";
  whole->fit(data_.x, data_.y_onehot, o);
  auto first = plain();
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, options(false, {std::make_shared<CrashAt>(13)})), Crash);
  auto again = plain();
  again->fit(data_.x, data_.y_onehot, options(true));
  const auto a = whole->get_weights(), b = again->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, ResumingAFinishedFitTrainsNothingMore) {
  auto model = new_model();
  model->fit(data_.x, data_.y_onehot, options(false));
  auto again = new_model();
  const train::History h = again->fit(data_.x, data_.y_onehot, options(true));
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1, 2, 3}));
  const auto a = model->get_weights(), b = again->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, EarlyStoppingStateCarriesOver) {
  auto stopper = [] {
    return std::make_shared<train::EarlyStopping>(
        train::EarlyStoppingOptions{.monitor = "val_loss", .patience = 1, .restore_best_weights = true});
  };
  auto whole = new_model();
  models::FitOptions o = options(false, {stopper()});
  o.epochs = 12;
  o.checkpoint->directory = dir_ + "/other";
  const train::History expected = whole->fit(data_.x, data_.y_onehot, o);

  auto first = new_model();
  o = options(false, {stopper(), std::make_shared<CrashAt>(13)});
  o.epochs = 12;
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, o), Crash);
  auto again = new_model();
  o = options(true, {stopper()});
  o.epochs = 12;
  const train::History resumed = again->fit(data_.x, data_.y_onehot, o);
  EXPECT_EQ(resumed.epoch, expected.epoch);
  const auto a = whole->get_weights(), b = again->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, ARelativeLearningRateScheduleIsAppliedOncePerEpoch) {
  // lr *= 0.5 at each epoch's begin: a resume mid-epoch must not halve it twice.
  auto halving = [] {
    return std::make_shared<train::LearningRateScheduler>([](int epoch, double lr) { return epoch ? lr * 0.5 : lr; });
  };
  auto whole = new_model();
  models::FitOptions o = options(false, {halving()});
  o.checkpoint->directory = dir_ + "/other";
  const train::History expected = whole->fit(data_.x, data_.y_onehot, o);
  auto first = new_model();
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, options(false, {halving(), std::make_shared<CrashAt>(27)})), Crash);
  auto again = new_model();
  const train::History resumed = again->fit(data_.x, data_.y_onehot, options(true, {halving()}));
  EXPECT_EQ(resumed.history.at("learning_rate"), expected.history.at("learning_rate"));
  const auto a = whole->get_weights(), b = again->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, AFreshFitKeepsAnInterruptedRunsCheckpointsAndClearsAFinishedOnes) {
  auto first = new_model();
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, options(false, {std::make_shared<CrashAt>(12)})), Crash);
  auto again = new_model();
  EXPECT_THROW_WITH(again->fit(data_.x, data_.y_onehot, options(false)), ValueError,
                    "an earlier run that did not finish (newest: checkpoint-000000010.safetensors)");
  EXPECT_EQ(train::list_checkpoints(dir_ + "/ckpt").size(), 2u);  // kept
  again->fit(data_.x, data_.y_onehot, options(true));             // the interrupted run, finished
  ::testing::internal::CaptureStderr();
  auto fresh = new_model();
  fresh->fit(data_.x, data_.y_onehot, options(false));  // a finished run's checkpoints make way
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("removed the 2 checkpoint(s) of a finished earlier run"),
            std::string::npos);
  const auto a = again->get_weights(), b = fresh->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, ACorruptNewestCheckpointIsSkippedForTheOneBefore) {
  auto first = new_model();
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, options(false, {std::make_shared<CrashAt>(12)})), Crash);
  const auto files = train::list_checkpoints(dir_ + "/ckpt");
  ASSERT_EQ(files.size(), 2u);  // after steps 10 and 5
  EXPECT_EQ(files[0].filename(), "checkpoint-000000010.safetensors");
  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-20, std::ios::end);
    f.write("\x13\x37\x13\x37", 4);  // a flipped weight, as a bad disk would leave it
  }
  ::testing::internal::CaptureStderr();
  auto again = new_model();
  again->fit(data_.x, data_.y_onehot, options(true));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("skipping checkpoint"), std::string::npos) << err;
  EXPECT_NE(err.find("checkpoint-000000010"), std::string::npos) << err;
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;

  auto whole = new_model();
  models::FitOptions o = options(false);
  o.checkpoint->directory = dir_ + "/other";
  whole->fit(data_.x, data_.y_onehot, o);
  const auto a = whole->get_weights(), b = again->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i]));
}

TEST_F(CheckpointResume, ACheckpointOfOtherDataIsRefused) {
  auto first = new_model();
  EXPECT_THROW(first->fit(data_.x, data_.y_onehot, options(false, {std::make_shared<CrashAt>(6)})), Crash);
  const Blobs other = make_blobs(200, 4);
  auto again = new_model();
  EXPECT_THROW_WITH(again->fit(other.x, other.y_onehot, options(true)), ValueError, "written by a different run");
}

TEST_F(CheckpointResume, BadOptionsAreNamed) {
  auto model = new_model();
  models::FitOptions o = options(false);
  o.checkpoint->every_steps = 0;
  EXPECT_THROW_WITH(model->fit(data_.x, data_.y_onehot, o), ConfigError, "every_steps or every_epochs");
  o = options(false);
  o.checkpoint->keep = 0;
  EXPECT_THROW_WITH(model->fit(data_.x, data_.y_onehot, o), ConfigError, "keep must be >= 1");
  o = options(false);
  o.checkpoint->directory.clear();
  EXPECT_THROW_WITH(model->fit(data_.x, data_.y_onehot, o), ConfigError, "no directory");
}

}  // namespace
}  // namespace deepfin
