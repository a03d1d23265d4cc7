#pragma once
// Keras-style training callbacks: the fit loop calls each hook, in order, on
// every callback of a CallbackList. Logs carry "loss", the metrics by their log
// keys, and "val_" versions after validation. History lives here too because
// fit() returns it.
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::optim {
class Optimizer;
}

namespace deepfin::train {

using Logs = std::map<std::string, double>;

// What callbacks may touch of the model being trained.
class TrainingModel {
 public:
  virtual ~TrainingModel() = default;
  virtual std::vector<Tensor> get_weights() const = 0;
  virtual void set_weights(const std::vector<Tensor>&) = 0;
  // Writes the model file (atomically: a temporary file renamed into place).
  virtual void save(const std::string& path) const = 0;
  virtual optim::Optimizer& optimizer() = 0;
  // Set by a callback to end training after the current batch / epoch.
  bool stop_training = false;
};

struct TrainParams {
  int epochs = 1;
  int64_t steps = 0;  // batches per epoch; 0 when unknown
  int verbose = 1;
  // The log keys in display order, e.g. {"loss", "accuracy", "val_loss", "val_accuracy"}.
  std::vector<std::string> metrics = {};
};

class Callback {
 public:
  virtual ~Callback() = default;
  void set_model(TrainingModel* model) { model_ = model; }
  void set_params(const TrainParams& params) { params_ = params; }
  TrainingModel* model() const { return model_; }
  const TrainParams& params() const { return params_; }

  virtual void on_train_begin(const Logs&) {}
  virtual void on_train_end(const Logs&) {}
  virtual void on_epoch_begin(int /*epoch*/, const Logs&) {}
  // Callbacks may add entries (e.g. "learning_rate") that later callbacks see.
  virtual void on_epoch_end(int /*epoch*/, Logs& /*logs*/) {}
  virtual void on_train_batch_begin(int64_t /*batch*/, const Logs&) {}
  virtual void on_train_batch_end(int64_t /*batch*/, const Logs&) {}

  // Resuming from a checkpoint (train/checkpoint.h): what a callback must carry
  // over to go on exactly as if never stopped (null: nothing), and its restore.
  // fit() calls resume() before on_train_begin(), which then keeps that state.
  virtual nlohmann::json checkpoint_state() const { return nullptr; }
  // Tensors of that state (weights the callback keeps), stored beside it.
  virtual std::vector<Tensor> checkpoint_tensors() const { return {}; }
  void resume(const nlohmann::json& state, std::vector<Tensor> tensors = {}) {
    restore_state(state);
    restore_tensors(std::move(tensors));
    resumed_ = true;
  }

 protected:
  virtual void restore_state(const nlohmann::json& /*state*/) {}
  virtual void restore_tensors(std::vector<Tensor> /*tensors*/) {}
  // True once after resume(): on_train_begin() keeps the restored state.
  bool take_resumed() { return std::exchange(resumed_, false); }

  // The model, or ValueError naming `who` when set_model was never called.
  TrainingModel& require_model(const char* who) const;

  TrainingModel* model_ = nullptr;
  TrainParams params_;

 private:
  bool resumed_ = false;
};

// Calls each callback in order.
class CallbackList {
 public:
  CallbackList() = default;
  explicit CallbackList(std::vector<std::shared_ptr<Callback>> callbacks) : callbacks_(std::move(callbacks)) {}
  void append(std::shared_ptr<Callback> callback) { callbacks_.push_back(std::move(callback)); }
  const std::vector<std::shared_ptr<Callback>>& callbacks() const { return callbacks_; }

  void set_model(TrainingModel* model);
  void set_params(const TrainParams& params);
  void on_train_begin(const Logs& logs = {});
  void on_train_end(const Logs& logs = {});
  void on_epoch_begin(int epoch, const Logs& logs = {});
  void on_epoch_end(int epoch, Logs& logs);
  void on_train_batch_begin(int64_t batch, const Logs& logs = {});
  void on_train_batch_end(int64_t batch, const Logs& logs = {});

 private:
  std::vector<std::shared_ptr<Callback>> callbacks_;
};

// Records the logs of every epoch: history["loss"][i] belongs to epoch[i].
class History final : public Callback {
 public:
  void on_train_begin(const Logs&) override {
    if (take_resumed()) return;
    epoch.clear();
  }
  void on_epoch_end(int e, Logs& logs) override;
  nlohmann::json checkpoint_state() const override;

  std::map<std::string, std::vector<double>> history;
  std::vector<int> epoch;

 protected:
  void restore_state(const nlohmann::json& state) override;
};

}  // namespace deepfin::train
