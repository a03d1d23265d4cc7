#include "deepfin/train/model_checkpoint.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "deepfin/base/error.h"

namespace deepfin::train {

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)),
      options_(std::move(options)),
      mode_(resolve_monitor_mode(options_.mode, options_.monitor, "ModelCheckpoint")),
      best_(options_.initial_value_threshold) {
  if (filepath_.empty()) throw ConfigError("ModelCheckpoint: filepath is empty");
}

std::string ModelCheckpoint::format_path(int epoch, const Logs& logs) const {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  args.push_back(fmt::arg("epoch", epoch + 1));
  for (const auto& [key, value] : logs) args.push_back(fmt::arg(key.c_str(), value));
  try {
    return fmt::vformat(filepath_, args);
  } catch (const fmt::format_error& e) {
    throw ConfigError(fmt::format("ModelCheckpoint: cannot fill in filepath '{}': {}", filepath_, e.what()));
  }
}

void ModelCheckpoint::on_epoch_end(int epoch, Logs& logs) {
  TrainingModel& model = require_model("ModelCheckpoint");
  const std::string path = format_path(epoch, logs);
  if (options_.save_best_only) {
    auto it = logs.find(options_.monitor);
    if (it == logs.end()) {
      std::cerr << fmt::format("ModelCheckpoint: can save the best model only with '{}' in the logs; skipping\n",
                               options_.monitor);
      return;
    }
    const double current = it->second;
    const bool better =
        !std::isnan(current) && (!best_ || (mode_ == MonitorMode::min ? current < *best_ : current > *best_));
    if (!better) {
      if (options_.verbose > 0)
        std::cout << fmt::format("Epoch {}: {} did not improve from {:.5f}\n", epoch + 1, options_.monitor,
                                 best_ ? *best_ : NAN);
      return;
    }
    if (options_.verbose > 0)
      std::cout << fmt::format("Epoch {}: {} improved to {:.5f}, saving model to {}\n", epoch + 1, options_.monitor,
                               current, path);
    best_ = current;
  } else if (options_.verbose > 0) {
    std::cout << fmt::format("Epoch {}: saving model to {}\n", epoch + 1, path);
  }
  model.save(path);
  last_saved_ = path;
}

}  // namespace deepfin::train
