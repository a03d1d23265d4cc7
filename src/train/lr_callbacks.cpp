#include "deepfin/train/lr_callbacks.h"

#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "deepfin/base/error.h"
#include "deepfin/optim/optimizer.h"

namespace deepfin::train {

LearningRateScheduler::LearningRateScheduler(Schedule schedule, int verbose)
    : schedule_(std::move(schedule)), verbose_(verbose) {
  if (!schedule_) throw ConfigError("LearningRateScheduler: the schedule function is empty");
}

void LearningRateScheduler::on_epoch_begin(int epoch, const Logs&) {
  optim::Optimizer& opt = require_model("LearningRateScheduler").optimizer();
  const double lr = schedule_(epoch, opt.learning_rate());
  if (!std::isfinite(lr) || lr < 0)
    throw ValueError(fmt::format("LearningRateScheduler: the schedule returned {} for epoch {}", lr, epoch));
  opt.set_learning_rate(lr);
  if (verbose_ > 0)
    std::cout << fmt::format("Epoch {}: LearningRateScheduler setting learning rate to {}.\n", epoch + 1, lr);
}

void LearningRateScheduler::on_epoch_end(int, Logs& logs) {
  logs["learning_rate"] = require_model("LearningRateScheduler").optimizer().learning_rate();
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options)
    : options_(std::move(options)), mode_(resolve_monitor_mode(options_.mode, options_.monitor, "ReduceLROnPlateau")) {
  if (!(options_.factor < 1.0) || !(options_.factor >= 0.0))
    throw ValueError(fmt::format("ReduceLROnPlateau: factor must be in [0, 1), got {}", options_.factor));
}

void ReduceLROnPlateau::on_train_begin(const Logs&) {
  if (take_resumed()) return;
  has_best_ = false;
  wait_ = 0;
  cooldown_counter_ = 0;
}

bool ReduceLROnPlateau::improves(double current) const {
  if (!has_best_) return !std::isnan(current);
  return mode_ == MonitorMode::min ? current < best_ - options_.min_delta : current > best_ + options_.min_delta;
}

void ReduceLROnPlateau::on_epoch_end(int epoch, Logs& logs) {
  optim::Optimizer& opt = require_model("ReduceLROnPlateau").optimizer();
  logs["learning_rate"] = opt.learning_rate();  // the rate this epoch trained with
  auto it = logs.find(options_.monitor);
  if (it == logs.end()) {
    std::cerr << fmt::format("ReduceLROnPlateau: metric '{}' is not in the logs; skipping\n", options_.monitor);
    return;
  }
  const double current = it->second;
  const bool in_cooldown = cooldown_counter_ > 0;
  if (in_cooldown) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (improves(current)) {
    best_ = current;
    has_best_ = true;
    wait_ = 0;
    return;
  }
  if (cooldown_counter_ > 0) return;
  if (++wait_ < options_.patience) return;
  const double old_lr = opt.learning_rate();
  if (old_lr > static_cast<double>(static_cast<float>(options_.min_lr))) {
    const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    opt.set_learning_rate(new_lr);
    if (options_.verbose > 0)
      std::cout << fmt::format("Epoch {}: ReduceLROnPlateau reducing learning rate to {}.\n", epoch + 1, new_lr);
    cooldown_counter_ = options_.cooldown;
    wait_ = 0;
  }
}

}  // namespace deepfin::train
