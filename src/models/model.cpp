#include "deepfin/models/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "deepfin/autograd/node.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/metrics/registry.h"
#include "deepfin/nn/activations.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/optim/optim.h"
#include "models/input_checks.h"

namespace deepfin::models {
namespace {

// "SparseCategoricalCrossentropy" and "sparse_categorical_crossentropy" compare equal.
std::string canonical(const std::string& name) {
  std::string out;
  for (char c : name)
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// (N, ...) -> (N * k, ...) with row n * k + i = t[n]: the targets (or weights) of every
// ensemble member, in the order of a flattened (N, k, ...) output. Undefined stays undefined.
Tensor repeat_per_member(const Tensor& t, int64_t members) {
  if (!t.defined()) return t;
  Shape expanded = t.shape();
  expanded.insert(expanded.begin() + 1, members);
  Shape rows = t.shape();
  rows[0] *= members;
  return t.unsqueeze(1).broadcast_to(expanded).contiguous().reshape(rows);
}

}  // namespace

Model::Model(std::string name) : name_(std::move(name)) {}
Model::~Model() = default;

void Model::finish_build(const Shape& input_shape, const Shape& output_shape) {
  input_shape_ = input_shape;
  output_shape_ = output_shape;
  arena_.bind(trainable_weights());
  if (optimizer_) optimizer_->set_variable_sizes(arena_.sizes());
  built_ = true;
}

void Model::ensure_built_for(const Tensor& x, const char* op) {
  if (!x.defined() || x.dim() == 0)
    throw ShapeError(
        fmt::format("{}: x needs a batch axis, got shape {}", op, x.defined() ? shape_str(x.shape()) : "undefined"));
  if (!built_) build(Shape(x.shape().begin() + 1, x.shape().end()));
  detail::check_input_shape(x, input_shape_, op);
}

Tensor Model::call(const Tensor& x, bool training) {
  ensure_built_for(x, "Model.call");
  return forward(x, training, false);
}

Tensor Model::call_logits(const Tensor& x) {
  ensure_built_for(x, "Model.call_logits");
  return forward(x, false, true);
}

void Model::compile(const CompileOptions& options) {
  optimizer_ = options.optimizer.optimizer ? options.optimizer.optimizer : optim::get(options.optimizer.name);
  if (options.loss.loss) {
    loss_ = options.loss.loss;
  } else if (!options.loss.name.empty()) {
    loss_ = losses::get(options.loss.name);
  } else {
    throw ValueError(fmt::format("compile: model '{}' needs a loss (a name such as \"mse\" or a losses::Loss)", name_));
  }
  metric_names_ = options.metrics;
  metrics_.clear();  // resolved once the output shape is known
  train_loss_.reset();
  if (built_) optimizer_->set_variable_sizes(arena_.sizes());
}

void Model::ensure_metrics() {
  if (!compiled()) throw ValueError(fmt::format("model '{}' must be compiled before training or evaluation", name_));
  if (!train_loss_) {
    // Softmax/sigmoid followed by its cross-entropy trains on logits through the
    // fused, numerically stable op, as Keras does; metrics still see probabilities.
    const std::string activation = final_activation();
    const std::string key = canonical(loss_->name());
    fused_ =
        !loss_->from_logits() &&
        ((activation == "softmax" && (key == "categoricalcrossentropy" || key == "sparsecategoricalcrossentropy")) ||
         (activation == "sigmoid" && key == "binarycrossentropy"));
    train_loss_ = fused_ ? losses::get(loss_->name(), /*from_logits=*/true) : loss_;
  }
  if (metrics_.size() != metric_names_.size()) {
    metrics_.clear();
    for (const std::string& m : metric_names_) metrics_.push_back(metrics::get(m, loss_->name(), output_shape_));
  }
}

Tensor Model::compute_loss(const Tensor& x, const Tensor& y, const Tensor& w, bool training, Tensor* y_pred) {
  Tensor out = forward(x, training, fused_);
  // An ensemble head (nn::EnsembleMean) hands over its members' outputs (N, k, ...) while
  // training: every member is scored against the targets and the loss is their mean, so
  // members learn on their own rather than co-adapting to the average (TabM).
  const bool per_member = training && out.dim() == static_cast<int64_t>(output_shape_.size()) + 2 &&
                          layers().back()->class_name() == "EnsembleMean";
  Tensor loss;
  if (per_member) {
    const int64_t members = out.size(1);
    Shape rows = out.shape();
    rows.erase(rows.begin() + 1);
    rows[0] *= members;
    loss = (*train_loss_)(repeat_per_member(y, members), out.reshape(rows), repeat_per_member(w, members));
  } else {
    loss = (*train_loss_)(y, out, w);
  }
  if (y_pred) {
    NoGradGuard no_grad;
    const Tensor combined = per_member ? mean(out.detach(), {1}) : out.detach();
    *y_pred = fused_ ? activations::apply(final_activation(), combined) : combined;
  }
  return loss;
}

train::Logs Model::current_logs(double mean_loss) const {
  train::Logs logs{{"loss", mean_loss}};
  for (const auto& m : metrics_) logs[m->name()] = m->result();
  return logs;
}

nlohmann::json Model::compile_config() const {
  if (!compiled()) return nullptr;
  return {
      {"optimizer", optim::serialize(*optimizer_)}, {"loss", losses::serialize(*loss_)}, {"metrics", metric_names_}};
}

optim::Optimizer& Model::optimizer() {
  if (!optimizer_) throw ValueError(fmt::format("model '{}' has no optimizer: call compile() first", name_));
  return *optimizer_;
}

std::vector<Tensor> Model::trainable_weights() const {
  std::vector<Tensor> out;
  for (const auto& layer : layers())
    for (const Tensor& w : layer->trainable_weights()) out.push_back(w);
  return out;
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& layer : layers())
    for (const nn::Weight& w : layer->weights()) out.push_back(w.value.detach().clone());
  return out;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  size_t expected = 0;
  for (const auto& layer : layers()) expected += layer->weights().size();
  if (weights.size() != expected)
    throw ShapeError(fmt::format("set_weights: model '{}' has {} weight tensors but {} were given", name_, expected,
                                 weights.size()));
  // Check every shape before writing anything, so a bad list changes nothing.
  size_t i = 0;
  for (const auto& layer : layers()) {
    for (const nn::Weight& w : layer->weights()) {
      if (weights[i].shape() != w.value.shape())
        throw ShapeError(fmt::format("set_weights: layer '{}' weight '{}' has shape {} but got {}", layer->name(),
                                     w.name, shape_str(w.value.shape()), shape_str(weights[i].shape())));
      ++i;
    }
  }
  i = 0;
  for (const auto& layer : layers())
    for (const nn::Weight& w : layer->weights()) nn::assign_values(w.value, weights[i++]);
}

int64_t Model::count_params() const {
  int64_t n = 0;
  for (const auto& layer : layers()) n += layer->count_params();
  return n;
}

int64_t Model::count_trainable_params() const {
  int64_t n = 0;
  for (const Tensor& w : trainable_weights()) n += w.numel();
  return n;
}

}  // namespace deepfin::models
