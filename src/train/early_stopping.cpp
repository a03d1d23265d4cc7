#include "deepfin/train/early_stopping.h"

#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "deepfin/autograd/node.h"

namespace deepfin::train {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)), mode_(resolve_monitor_mode(options_.mode, options_.monitor, "EarlyStopping")) {
  options_.min_delta = std::abs(options_.min_delta);
}

void EarlyStopping::on_train_begin(const Logs&) {
  if (take_resumed()) return;
  wait_ = 0;
  stopped_epoch_ = 0;
  best_epoch_ = 0;
  best_.reset();
  best_weights_.clear();
}

bool EarlyStopping::improves(double current, std::optional<double> reference) const {
  if (!reference) return true;
  return mode_ == MonitorMode::min ? current + options_.min_delta < *reference
                                   : current - options_.min_delta > *reference;
}

namespace {
// Weights detached and copied: the model keeps training on its own buffers.
std::vector<Tensor> snapshot(const TrainingModel& model) {
  NoGradGuard no_grad;
  std::vector<Tensor> out;
  for (const Tensor& w : model.get_weights()) out.push_back(w.detach().clone());
  return out;
}
}  // namespace

void EarlyStopping::on_epoch_end(int epoch, Logs& logs) {
  auto it = logs.find(options_.monitor);
  if (it == logs.end()) {
    if (!warned_missing_)
      std::cerr << fmt::format("EarlyStopping: metric '{}' is not in the logs; skipping\n", options_.monitor);
    warned_missing_ = true;
    return;
  }
  if (epoch < options_.start_from_epoch) return;
  const double current = it->second;
  TrainingModel& model = require_model("EarlyStopping");
  if (options_.restore_best_weights && best_weights_.empty()) best_weights_ = snapshot(model);
  ++wait_;
  if (improves(current, best_)) {
    best_ = current;
    best_epoch_ = epoch;
    if (options_.restore_best_weights) best_weights_ = snapshot(model);
    // The patience counter restarts only once the baseline is beaten too.
    if (!options_.baseline || improves(current, options_.baseline)) wait_ = 0;
    return;
  }
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    model.stop_training = true;
    if (options_.restore_best_weights && !best_weights_.empty()) {
      if (options_.verbose > 0)
        std::cout << fmt::format("Restoring model weights from the end of the best epoch: {}.\n", best_epoch_ + 1);
      model.set_weights(best_weights_);
    }
  }
}

void EarlyStopping::on_train_end(const Logs&) {
  if (stopped_epoch_ > 0 && options_.verbose > 0)
    std::cout << fmt::format("Epoch {}: early stopping\n", stopped_epoch_ + 1);
}

}  // namespace deepfin::train
