#pragma once
// Saves the model after each epoch through TrainingModel::save (atomic). The path may
// hold fmt fields filled from the epoch (1-based) and the logs, as in Keras:
//   "ckpt/model-{epoch:02d}-{val_loss:.3f}.safetensors"
// With save_best_only, it saves only when `monitor` improves on the best so far.
#include <optional>
#include <string>

#include "deepfin/train/callback.h"
#include "deepfin/train/monitor.h"

namespace deepfin::train {

struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  std::string mode = "auto";
  std::optional<double> initial_value_threshold = std::nullopt;
};

class ModelCheckpoint final : public Callback {
 public:
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});
  void on_epoch_end(int epoch, Logs& logs) override;
  // The filepath with {epoch} and log fields filled in; ConfigError if the pattern is malformed.
  std::string format_path(int epoch, const Logs& logs) const;
  const std::string& last_saved() const { return last_saved_; }
  nlohmann::json checkpoint_state() const override;

 protected:
  void restore_state(const nlohmann::json& state) override;

 private:
  std::string filepath_;
  ModelCheckpointOptions options_;
  MonitorMode mode_;
  std::optional<double> best_;
  std::string last_saved_;
};

}  // namespace deepfin::train
