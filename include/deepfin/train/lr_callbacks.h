#pragma once
// Callbacks that steer the optimizer's learning rate; both record the rate of the epoch
// in logs["learning_rate"] as Keras 3 does.
#include <functional>
#include <string>

#include "deepfin/train/callback.h"
#include "deepfin/train/monitor.h"

namespace deepfin::train {

// At each epoch begin: lr = schedule(epoch, current lr). A non-finite or negative result is a ValueError.
class LearningRateScheduler final : public Callback {
 public:
  using Schedule = std::function<double(int epoch, double lr)>;
  explicit LearningRateScheduler(Schedule schedule, int verbose = 0);
  void on_epoch_begin(int epoch, const Logs&) override;
  void on_epoch_end(int epoch, Logs& logs) override;

 private:
  Schedule schedule_;
  int verbose_;
};

// Multiplies the rate by `factor` after `patience` epochs in which `monitor` did not improve
// by more than min_delta, then waits `cooldown` epochs; never goes below min_lr (Keras 3).
struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0.0;
};

class ReduceLROnPlateau final : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  nlohmann::json checkpoint_state() const override;

 protected:
  void restore_state(const nlohmann::json& state) override;

 private:
  bool improves(double current) const;

  ReduceLROnPlateauOptions options_;
  MonitorMode mode_;
  double best_ = 0.0;
  bool has_best_ = false;
  int wait_ = 0;
  int cooldown_counter_ = 0;
};

}  // namespace deepfin::train
