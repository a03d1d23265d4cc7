#pragma once
// Stops training when `monitor` stops improving (Keras 3 semantics):
// an epoch improves when current - min_delta beats the best so far (max mode: +min_delta);
// after `patience` epochs without improvement, stop_training is set, and with
// restore_best_weights the weights of the best epoch are put back. A baseline must be
// beaten too before the patience counter resets. Epochs before start_from_epoch are ignored.
#include <optional>
#include <string>
#include <vector>

#include "deepfin/train/callback.h"
#include "deepfin/train/monitor.h"

namespace deepfin::train {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";
  std::optional<double> baseline = std::nullopt;
  bool restore_best_weights = false;
  int start_from_epoch = 0;
};

class EarlyStopping final : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(const Logs&) override;
  nlohmann::json checkpoint_state() const override;
  std::vector<Tensor> checkpoint_tensors() const override { return best_weights_; }

  int stopped_epoch() const { return stopped_epoch_; }  // 0 when training was not stopped
  int best_epoch() const { return best_epoch_; }
  std::optional<double> best() const { return best_; }

 protected:
  void restore_state(const nlohmann::json& state) override;
  void restore_tensors(std::vector<Tensor> tensors) override { best_weights_ = std::move(tensors); }

 private:
  bool improves(double current, std::optional<double> reference) const;

  EarlyStoppingOptions options_;
  MonitorMode mode_;
  int wait_ = 0;
  int stopped_epoch_ = 0;
  int best_epoch_ = 0;
  std::optional<double> best_;
  std::vector<Tensor> best_weights_;
  bool warned_missing_ = false;
};

}  // namespace deepfin::train
