#pragma once
// Where a fit is, as a checkpoint records it and a resumed fit restores it:
// epoch, batch and step, the epoch's running loss, every rank's random
// streams and metric states, the callbacks' state, the learning rate and the
// privacy accountant's steps.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/optim/optimizer.h"
#include "deepfin/train/callback.h"
#include "deepfin/train/checkpoint.h"
#include "deepfin/train/communicator.h"
#include "models/private_training.h"

namespace deepfin::models::detail {

struct FitProgress {
  int epoch = 0;                   // the epoch under way (or next, between epochs)
  int64_t next_batch = 0;          // batches of it already trained
  int64_t steps = 0;               // optimizer steps of this fit so far
  double loss_sum = 0.0;           // the epoch's loss, summed over its rows so far
  int64_t seen = 0;                // and those rows
  std::string epoch_order{};       // the order generator before the epoch's shuffle
  std::string rank_rng{};          // this rank's dropout stream at the checkpoint
  bool finished = false;           // the fit had ended: nothing is left to train
  train::Logs logs{};              // the last finished epoch's logs
  double epoch_learning_rate = 0;  // the optimizer's rate before on_epoch_begin (0: on a schedule)
  double mean_loss() const { return seen ? loss_sum / static_cast<double>(seen) : 0.0; }
};

// Before a fresh fit (no resume) writes checkpoints into `directory`: the
// checkpoints of an earlier run that finished are removed (saying so on
// stderr); those of a run that did not finish are kept, and the fit refused
// (ValueError), so that an interrupted run is never lost by starting afresh.
void prepare_fresh_checkpoints(const std::string& directory);

// The checkpoint's "training_state". Every rank must call it (it gathers each
// rank's random stream and metric states); the result matters on rank 0.
train::TrainingState fit_state(const FitProgress& at, bool finished, const std::string& fingerprint,
                               train::Communicator& comm, const Generator& order, const Generator& steps_rng,
                               const train::CallbackList& callbacks,
                               const std::vector<std::shared_ptr<metrics::Metric>>& metrics,
                               const optim::Optimizer& optimizer);

// Restores what fit_state() recorded (the weights and optimizer slots are
// restored with the model file) and returns where to go on from.
// `order` orders the batches; `steps_rng` is this rank's stream for dropout
// (the same generator on one process).
FitProgress resume_fit(const train::TrainingState& saved, train::Communicator& comm, Generator& order,
                       Generator& steps_rng, train::CallbackList& callbacks,
                       const std::vector<std::shared_ptr<metrics::Metric>>& metrics, optim::Optimizer& optimizer,
                       std::optional<PrivateTraining>& dp);

}  // namespace deepfin::models::detail
