#pragma once
// Model: the Keras training front face. Holds the layers' parameters in one
// arena (and their gradients in another), and implements compile / fit /
// evaluate / predict / summary / save / get_weights / set_weights on top of a
// subclass's forward pass. Sequential is the first subclass.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/models/options.h"
#include "deepfin/nn/layer.h"
#include "deepfin/nn/parameter_arena.h"
#include "deepfin/train/callback.h"

namespace deepfin::metrics {
class Metric;
}

namespace deepfin::train {
class Communicator;
struct TrainingState;
}  // namespace deepfin::train

namespace deepfin::models {
namespace detail {
class PrivateTraining;
class GradientBuckets;
struct FitProgress;
}  // namespace detail

class Model : public train::TrainingModel {
 public:
  explicit Model(std::string name);
  ~Model() override;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string class_name() const = 0;
  // Keras-style {"name": ..., "layers": [{class_name, config}, ...]}.
  virtual nlohmann::json get_config() const = 0;
  virtual std::vector<std::shared_ptr<nn::Layer>> layers() const = 0;

  // Builds every layer for inputs of `input_shape` (no batch axis) and binds the parameter arena.
  virtual void build(const Shape& input_shape) = 0;
  bool built() const { return built_; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shape_; }

  // Forward pass on a batch; builds the model on first use.
  Tensor call(const Tensor& x, bool training = false);
  Tensor operator()(const Tensor& x, bool training = false) { return call(x, training); }
  // The forward pass in inference mode without the output activation: the logits
  // (log-odds for a sigmoid output). Explanations differentiate this.
  Tensor call_logits(const Tensor& x);

  void compile(const CompileOptions& options);
  bool compiled() const { return optimizer_ != nullptr; }
  // {"optimizer": {class_name, config}, "loss": ..., "metrics": [...]}; null before compile().
  nlohmann::json compile_config() const;

  train::History fit(const Tensor& x, const Tensor& y, const FitOptions& options = {});
  // {"loss": ..., metric names: ...}
  train::Logs evaluate(const Tensor& x, const Tensor& y, int64_t batch_size = 32, const Tensor& sample_weight = {});
  // Inference mode (training=false), no gradients recorded.
  Tensor predict(const Tensor& x, int64_t batch_size = 32);

  // Keras-like table: Layer (type) | Output Shape | Param #, then the totals.
  std::string summary() const;
  int64_t count_params() const;
  int64_t count_trainable_params() const;

  // Every layer's weights in layer order, each layer's in creation order (copies).
  std::vector<Tensor> get_weights() const override;
  // Copies values in place (the arena binding stays); ShapeError naming the layer on mismatch.
  void set_weights(const std::vector<Tensor>& weights) override;
  std::vector<Tensor> trainable_weights() const;
  // One .safetensors file: "layers/<layer>/<weight>" tensors, optimizer state under
  // "optimizer/<name>", model and compile configs in the metadata. Atomic.
  void save(const std::string& path) const override;
  optim::Optimizer& optimizer() override;  // ValueError before compile()
  const std::shared_ptr<optim::Optimizer>& optimizer_ptr() const { return optimizer_; }
  const std::shared_ptr<losses::Loss>& loss() const { return loss_; }
  nn::ParameterArena& parameter_arena() { return arena_; }
  // How many parts, one per thread, fit() splits a training batch of this size
  // into. More than 1 only with several threads and layers that treat samples
  // independently and draw no random numbers (batch_parallel.cpp); 1 means the
  // step runs as a whole, with each op using the threads.
  int training_shards(int64_t batch) const;

  // Extra JSON documents saved in the model file's metadata and restored by
  // load_model, e.g. the tabular preprocessing a model needs to read raw rows.
  // Keys must not collide with the file's own ("model_config", ...): ValueError.
  void set_attachment(const std::string& key, nlohmann::json value);
  // The attachment under `key`, or null JSON if there is none.
  nlohmann::json attachment(const std::string& key) const;
  const std::map<std::string, nlohmann::json>& attachments() const { return attachments_; }
  // Extra tensors saved beside the weights as "attached/<name>" and restored by
  // load_model, e.g. the weights of further members of an ensemble. Replaces
  // every attached tensor; names must be non-empty (ValueError).
  void set_attached_tensors(std::map<std::string, Tensor> tensors);
  const std::map<std::string, Tensor>& attached_tensors() const { return attached_tensors_; }

 protected:
  // The forward pass; with skip_final_activation the last layer's activation is left out.
  virtual Tensor forward(const Tensor& x, bool training, bool skip_final_activation) = 0;
  // The activation of the model's output ("linear" if none).
  virtual std::string final_activation() const = 0;
  // Subclasses call this at the end of build(): records the shapes and binds the arena.
  void finish_build(const Shape& input_shape, const Shape& output_shape);

 private:
  void ensure_built_for(const Tensor& x, const char* op);
  void ensure_metrics();
  // Loss of one batch on the (possibly fused) path, plus the probabilities metrics see.
  Tensor compute_loss(const Tensor& x, const Tensor& y, const Tensor& w, bool training, Tensor* y_pred);
  double train_step(const Tensor& x, const Tensor& y, const Tensor& w);
  // A DP-SGD step (private_step.cpp): clipped per-example gradients plus noise.
  // Over several ranks (comm), x is this rank's share of a batch of `whole`
  // rows: the clipped sums are added over the ranks and the noise once, by rank 0.
  double train_step_private(const Tensor& x, const Tensor& y, const Tensor& w, detail::PrivateTraining& dp,
                            train::Communicator* comm = nullptr, int64_t whole = -1);
  // A data-parallel step (distributed_step.cpp): x is this rank's share of a
  // batch of `whole` rows; gradients are summed over the ranks by `buckets`
  // while backward runs. Returns the loss of the whole batch.
  double train_step_distributed(const Tensor& x, const Tensor& y, const Tensor& w, int64_t whole,
                                train::Communicator& comm, detail::GradientBuckets& buckets);
  // The gradients of a step over thread shards (batch_parallel.cpp), without the update; returns the loss.
  double sharded_gradients(const Tensor& x, const Tensor& y, const Tensor& w, int shards, double scale);
  // Checkpoints (fit_checkpoints.cpp): the model file with the fit's state attached, and back.
  void write_checkpoint(const std::string& path, const train::TrainingState& training_state) const;
  // The newest valid checkpoint in `directory` (empty if none), saying on
  // stderr which ones it skipped; ValueError for one of a different run.
  std::string choose_checkpoint(const std::string& directory, const std::string& fingerprint) const;
  // Restores weights and optimizer state from checkpoint `path` and returns its
  // training state; with `speak`, says so on stderr.
  train::TrainingState restore_checkpoint(const std::string& path, bool speak);
  // Model::save with extra metadata documents, and extra tensors under "checkpoint/<name>".
  void save_with(const std::string& path, const std::map<std::string, nlohmann::json>& extra,
                 const std::map<std::string, Tensor>& extra_tensors = {}) const;
  // Batch-parallel steps (batch_parallel.cpp): whether every layer allows them
  // (fit() asks once), how many shards a batch of this size gets, and a step over them.
  bool layers_allow_shards() const;
  int shards_for(int64_t batch) const;
  double train_step_sharded(const Tensor& x, const Tensor& y, const Tensor& w, int shards);
  // Over several ranks (comm), each evaluates its share and the results are merged.
  train::Logs run_evaluation(const Tensor& x, const Tensor& y, const Tensor& w, int64_t batch_size,
                             train::Communicator* comm = nullptr);
  train::Logs current_logs(double mean_loss) const;

  std::string name_;
  bool built_ = false;
  Shape input_shape_;
  Shape output_shape_;
  nn::ParameterArena arena_;

  std::shared_ptr<optim::Optimizer> optimizer_;
  std::shared_ptr<losses::Loss> loss_;        // as the user gave it
  std::shared_ptr<losses::Loss> train_loss_;  // on logits when fused
  bool fused_ = false;
  std::vector<std::string> metric_names_;
  std::vector<std::shared_ptr<metrics::Metric>> metrics_;
  std::vector<std::vector<float>> shard_grads_;  // gradient buffers of shards 1.., kept across steps
  bool shardable_ = false;                       // layers_allow_shards(), for the fit() under way
  std::map<std::string, nlohmann::json> attachments_;
  std::map<std::string, Tensor> attached_tensors_;
};

// Restores a model written by Model::save: architecture, weights, and (if the
// model was compiled) optimizer, loss, metrics and optimizer state.
std::shared_ptr<Model> load_model(const std::string& path);

}  // namespace deepfin::models

namespace deepfin {
using models::load_model;
using models::Model;
using train::History;
}  // namespace deepfin
