#pragma once
// Checkpoints of a training run, so that a run killed at any point (preemption,
// out of memory, a lost node) goes on from where it was and ends with the very
// weights it would have had. Each checkpoint is one model file,
// <directory>/checkpoint-<step>.safetensors: the weights, the optimizer state,
// and a "training_state" attachment (epoch, batch, random streams of every
// rank, partial-epoch sums, callback state). It is written to a temporary file
// and renamed into place, and every tensor and the metadata carry a CRC-32, so
// a torn or corrupt checkpoint is detected on reading and skipped.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::train {

// What a checkpoint holds beside the weights and the optimizer: the fit's state
// as JSON, and its larger parts (each rank's metric states, weights a callback
// keeps) as tensors, which the file stores as "checkpoint/<name>".
struct TrainingState {
  nlohmann::json state{};
  std::map<std::string, Tensor> tensors{};
};

struct CheckpointOptions {
  std::string directory{};  // where the checkpoint files go (created if missing)
  int64_t every_steps = 0;  // write after every this many optimizer steps (0: not by steps)
  int every_epochs = 0;     // write at the end of every this many epochs (0: not by epochs)
  int keep = 3;             // the newest this many are kept, older ones removed
  bool resume = false;      // start from the newest valid checkpoint in `directory`, if there is one
};

// ConfigError naming what is wrong (no directory, nothing to trigger a write, keep < 1).
void check_checkpoint_options(const CheckpointOptions& options);

// The file of the checkpoint taken after `step` optimizer steps.
std::filesystem::path checkpoint_file(const std::string& directory, int64_t step);

// The checkpoint files in `directory`, newest (highest step) first; none if it does not exist.
std::vector<std::filesystem::path> list_checkpoints(const std::string& directory);

// Removes all but the newest `keep` checkpoint files.
void prune_checkpoints(const std::string& directory, int keep);

// Numbers read back from a checkpoint's JSON, where NaN and infinities were
// written as null (a NaN loss logged before TerminateOnNaN stopped a run): NaN.
double checkpoint_number(const nlohmann::json& value);
std::vector<double> checkpoint_numbers(const nlohmann::json& values);
std::map<std::string, double> checkpoint_logs(const nlohmann::json& logs);

}  // namespace deepfin::train
