#include "deepfin/lm/pretrain.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/models/model.h"
#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/ops/losses.h"
#include "deepfin/ops/shape_ops.h"
#include "deepfin/optim/adam.h"
#include "deepfin/train/checkpoint.h"

namespace deepfin::lm {
namespace {

void check_options(const models::Sequential& model, const TokenWindows& train, const PretrainOptions& o) {
  if (o.epochs < 1) throw ValueError(fmt::format("pretrain: epochs must be >= 1, got {}", o.epochs));
  if (o.batch_size < 1) throw ValueError(fmt::format("pretrain: batch_size must be >= 1, got {}", o.batch_size));
  if (o.accumulation_steps < 1)
    throw ValueError(fmt::format("pretrain: accumulation_steps must be >= 1, got {}", o.accumulation_steps));
  if (!(o.learning_rate > 0.0) || !std::isfinite(o.learning_rate))
    throw ValueError(fmt::format("pretrain: learning_rate must be > 0, got {}", o.learning_rate));
  if (!(o.final_lr_fraction >= 0.0 && o.final_lr_fraction <= 1.0))
    throw ValueError(fmt::format("pretrain: final_lr_fraction must be in [0, 1], got {}", o.final_lr_fraction));
  if (!(o.weight_decay >= 0.0) || !(o.clipnorm >= 0.0))
    throw ValueError(
        fmt::format("pretrain: weight_decay and clipnorm must be >= 0, got {} and {}", o.weight_decay, o.clipnorm));
  if (train.size() == 0) throw ValueError("pretrain: no training windows");
  const auto layers = model.layers();
  const auto lm = layers.empty() ? nullptr : std::dynamic_pointer_cast<nn::CausalLM>(layers.back());
  if (!lm) throw ValueError(fmt::format("pretrain: model '{}' must end in a CausalLM layer", model.name()));
  if (o.objective != "causal" && o.objective != "masked")
    throw ValueError(fmt::format("pretrain: objective must be \"causal\" or \"masked\", got \"{}\"", o.objective));
  const bool masked = o.objective == "masked";
  if (masked != (lm->options().attention == "bidirectional"))
    throw ValueError(fmt::format("pretrain: the {} objective needs attention = \"{}\"", o.objective,
                                 masked ? "bidirectional" : "causal"));
  if (masked && (!(o.mask_rate > 0.0 && o.mask_rate < 1.0) || o.mask_id < 1 || o.mask_id >= lm->vocab_size()))
    throw ValueError(fmt::format("pretrain: masked LM needs mask_rate in (0, 1) and mask_id in [1, {}), got {} and {}",
                                 lm->vocab_size(), o.mask_rate, o.mask_id));
}

// BERT's corruption of a batch (see PretrainOptions), and the loss of the chosen tokens:
// per-token weights N T / chosen on the chosen ones, so the mean over N T is their mean.
Tensor masked_token_loss(models::Sequential& model, const TokenWindows& batch, const PretrainOptions& o, Generator& gen,
                         bool training) {
  const std::vector<float> ids = batch.inputs.contiguous().to_vector<float>();
  std::vector<float> corrupted = ids;
  std::vector<int64_t> labels(ids.size());
  std::vector<float> chosen(ids.size(), 0.0f);
  size_t count = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    labels[i] = static_cast<int64_t>(ids[i]);
    if (gen.uniform01() >= o.mask_rate) continue;
    chosen[i] = 1.0f;
    ++count;
    const double u = gen.uniform01();
    if (u < 0.8)
      corrupted[i] = static_cast<float>(o.mask_id);
    else if (u < 0.9)
      corrupted[i] = static_cast<float>(gen.below(static_cast<uint64_t>(o.mask_id)));
  }
  if (count == 0) {  // a tiny batch with nothing chosen: choose one token
    const size_t i = static_cast<size_t>(gen.below(ids.size()));
    chosen[i] = 1.0f;
    corrupted[i] = static_cast<float>(o.mask_id);
    count = 1;
  }
  for (float& c : chosen) c *= static_cast<float>(ids.size()) / static_cast<float>(count);
  const Tensor logits = model.call(from_vector(corrupted, batch.inputs.shape()), training);
  const int64_t vocab = logits.size(2);
  const auto n = static_cast<int64_t>(ids.size());
  return sparse_softmax_cross_entropy(logits.reshape({-1, vocab}), from_vector(labels, {n}), from_vector(chosen, {n}));
}

// Cross-entropy of every next token: logits (N, T, V) against targets (N, T), a mean over N x T.
Tensor next_token_loss(models::Sequential& model, const TokenWindows& batch, bool training) {
  const Tensor logits = model.call(batch.inputs, training);
  const int64_t vocab = logits.size(2);
  return sparse_softmax_cross_entropy(logits.reshape({-1, vocab}), batch.targets.contiguous().reshape({-1}));
}

TokenWindows gather_rows(const TokenWindows& w, const std::vector<int64_t>& order, size_t begin, size_t end) {
  std::vector<Tensor> in, tg;
  for (size_t i = begin; i < end; ++i) {
    in.push_back(w.inputs.slice(0, order[i], order[i] + 1));
    tg.push_back(w.targets.slice(0, order[i], order[i] + 1));
  }
  TokenWindows out;
  out.inputs = concat(in, 0);
  out.targets = concat(tg, 0);
  return out;
}

// Each token id times its position: tells a changed corpus from the same one.
uint64_t window_checksum(const TokenWindows& w) {
  uint64_t checksum = 0, position = 0;
  for (int64_t id : w.inputs.contiguous().to_vector<int64_t>()) checksum += static_cast<uint64_t>(id) * ++position;
  return checksum;
}

// A config without its layers' names, which count the layers a process has made.
nlohmann::json without_names(nlohmann::json j) {
  if (j.is_object()) {
    j.erase("name");
    for (auto& [key, value] : j.items()) value = without_names(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_names(value);
  }
  return j;
}

// What a checkpoint must share with the run that resumes from it: the options, the data and
// the architecture (every option of every layer: dropout, attention, positions ...).
nlohmann::json run_identity(const models::Sequential& model, const TokenWindows& train, const TokenWindows& validation,
                            const PretrainOptions& o) {
  return {{"epochs", o.epochs},
          {"batch_size", o.batch_size},
          {"accumulation_steps", o.accumulation_steps},
          {"learning_rate", o.learning_rate},
          {"final_lr_fraction", o.final_lr_fraction},
          {"warmup_steps", o.warmup_steps},
          {"weight_decay", o.weight_decay},
          {"clipnorm", o.clipnorm},
          {"seed", o.seed},
          {"objective", o.objective},
          {"mask_rate", o.mask_rate},
          {"training_windows", train.size()},
          {"window_length", train.inputs.size(1)},
          {"training_checksum", window_checksum(train)},
          {"validation_windows", validation.size()},
          {"validation_checksum", window_checksum(validation)},
          {"model", without_names(model.get_config())}};
}

nlohmann::json epoch_json(const PretrainEpoch& e) {
  return {{"epoch", e.epoch},
          {"train_loss", e.train_loss},
          {"validation_loss", e.validation_loss},
          {"learning_rate", e.learning_rate},
          {"steps", e.steps},
          {"seconds", e.seconds},
          {"tokens_per_second", e.tokens_per_second}};
}

PretrainEpoch epoch_from_json(const nlohmann::json& j) {
  PretrainEpoch e;
  e.epoch = j.at("epoch").get<int>();
  e.train_loss = train::checkpoint_number(j.at("train_loss"));
  e.validation_loss = train::checkpoint_number(j.at("validation_loss"));
  e.validation_perplexity = std::exp(e.validation_loss);
  e.learning_rate = train::checkpoint_number(j.at("learning_rate"));
  e.steps = j.at("steps").get<int64_t>();
  e.seconds = train::checkpoint_number(j.at("seconds"));
  e.tokens_per_second = train::checkpoint_number(j.at("tokens_per_second"));
  e.resumed = true;
  return e;
}

// Restores `model`, its optimizer and the random streams from the checkpoint, and returns the
// epochs it had finished. ValueError naming the checkpoint and what does not match this run.
std::vector<PretrainEpoch> resume_from(const std::string& path, models::Sequential& model, Generator& gen,
                                       const nlohmann::json& identity) {
  const std::shared_ptr<models::Model> saved = models::load_model(path);
  const nlohmann::json state = saved->attachment("pretrain_state");
  if (!state.is_object())
    throw ValueError(fmt::format(
        "pretrain: cannot resume from {}: it holds no pretraining state (it is not a checkpoint of a pretraining run)",
        path));
  const nlohmann::json run = state.value("run", nlohmann::json::object());
  for (const auto& [key, value] : identity.items()) {
    const nlohmann::json theirs = run.is_object() ? run.value(key, nlohmann::json()) : nlohmann::json();
    if (theirs == value) continue;
    if (key == "model")
      throw ValueError(fmt::format(
          "pretrain: cannot resume from {}: it was written by a model of another architecture (a [model] option "
          "differs); remove the checkpoint to start afresh",
          path));
    throw ValueError(
        fmt::format("pretrain: cannot resume from {}: it was written by a run with {} = {}, and this run has {}; "
                    "remove the checkpoint to start afresh",
                    path, key, theirs.dump(), value.dump()));
  }
  if (saved->attachment("tokenizer") != model.attachment("tokenizer"))
    throw ValueError(fmt::format("pretrain: cannot resume from {}: its tokenizer differs from this run's", path));
  model.set_weights(saved->get_weights());
  model.optimizer().set_state(saved->optimizer().state());
  model.set_attachment("pretrain_state", state);  // a run with nothing left to train saves it as found
  try {
    gen.set_state(state.at("generator").get<std::string>());
    default_generator().set_state(state.at("default_generator").get<std::string>());
    std::vector<PretrainEpoch> history;
    for (const nlohmann::json& e : state.at("history")) history.push_back(epoch_from_json(e));
    return history;
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(
        fmt::format("pretrain: cannot resume from {}: its pretraining state is damaged ({})", path, e.what()));
  }
}

// A fresh run would overwrite the checkpoint of a run that has not finished, losing its
// epochs: refuse, unless the file is no pretraining checkpoint or its run finished.
void refuse_unfinished(const std::string& path) {
  const nlohmann::json state = models::load_model(path)->attachment("pretrain_state");
  if (!state.is_object()) return;
  const nlohmann::json history = state.value("history", nlohmann::json::array());
  const nlohmann::json run = state.value("run", nlohmann::json::object());
  const size_t done = history.is_array() ? history.size() : 0;
  const int epochs =
      run.is_object() && run.value("epochs", nlohmann::json()).is_number_integer() ? run["epochs"].get<int>() : 0;
  if (static_cast<int>(done) < epochs)
    throw ValueError(
        fmt::format("pretrain: the checkpoint {} holds a run that stopped after epoch {} of {}; resume it "
                    "(deepfin pretrain --resume), or remove the file to start afresh",
                    path, done, epochs));
}

}  // namespace

double masked_language_model_loss(models::Sequential& model, const TokenWindows& windows, const PretrainOptions& o,
                                  uint64_t seed) {
  if (windows.size() == 0) return std::nan("");
  NoGradGuard no_grad;
  Generator gen(seed);
  double total = 0.0;
  for (int64_t b = 0; b < windows.size(); b += o.batch_size) {
    const int64_t e = std::min(windows.size(), b + o.batch_size);
    total += masked_token_loss(model, window_rows(windows, b, e), o, gen, false).item() * static_cast<double>(e - b);
  }
  return total / static_cast<double>(windows.size());
}

double language_model_loss(models::Sequential& model, const TokenWindows& windows, int64_t batch_size) {
  if (windows.size() == 0) return std::nan("");
  NoGradGuard no_grad;
  double total = 0.0;
  for (int64_t b = 0; b < windows.size(); b += batch_size) {
    const int64_t e = std::min(windows.size(), b + batch_size);
    total += next_token_loss(model, window_rows(windows, b, e), false).item() * static_cast<double>(e - b);
  }
  return total / static_cast<double>(windows.size());
}

std::vector<PretrainEpoch> pretrain(models::Sequential& model, const TokenWindows& train,
                                    const TokenWindows& validation, const PretrainOptions& o,
                                    const std::function<void(const PretrainEpoch&)>& on_epoch) {
  check_options(model, train, o);
  const int64_t per_step = o.batch_size * o.accumulation_steps;
  const int64_t steps_per_epoch = (train.size() + per_step - 1) / per_step;
  const int64_t total_steps = steps_per_epoch * o.epochs;
  const int64_t warmup =
      std::min<int64_t>(o.warmup_steps >= 0 ? o.warmup_steps : std::max<int64_t>(1, total_steps / 20), total_steps - 1);
  // The warmup climbs linearly from learning_rate / (warmup + 1), so even the first step learns;
  // warmup_steps = 0 starts the cosine at the peak.
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup);
  auto schedule = warmup > 0
                      ? std::make_shared<optim::CosineDecay>(
                            o.learning_rate / static_cast<double>(warmup + 1), decay_steps,
                            optim::CosineDecayOptions{
                                .alpha = o.final_lr_fraction, .warmup_target = o.learning_rate, .warmup_steps = warmup})
                      : std::make_shared<optim::CosineDecay>(o.learning_rate, decay_steps,
                                                             optim::CosineDecayOptions{.alpha = o.final_lr_fraction});
  model.compile({.optimizer = optim::AdamW({.learning_rate = o.learning_rate,
                                            .weight_decay = o.weight_decay,
                                            .beta_2 = 0.95,
                                            .epsilon = 1e-8,
                                            .global_clipnorm = o.clipnorm,
                                            .schedule = schedule}),
                 .loss = "sparse_categorical_crossentropy"});
  if (!model.built()) model.build({train.inputs.size(1)});
  nn::ParameterArena& arena = model.parameter_arena();
  optim::Optimizer& optimizer = model.optimizer();

  Generator gen(o.seed);
  std::vector<int64_t> order(static_cast<size_t>(train.size()));
  const nlohmann::json identity = run_identity(model, train, validation, o);
  std::vector<PretrainEpoch> history;
  if (!o.resume && !o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) refuse_unfinished(o.checkpoint);
  if (o.resume && !o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) {
    history = resume_from(o.checkpoint, model, gen, identity);
    for (const PretrainEpoch& e : history)
      if (on_epoch) on_epoch(e);
  }
  for (int epoch = static_cast<int>(history.size()) + 1; epoch <= o.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    std::iota(order.begin(), order.end(), 0);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
    double loss_sum = 0.0;
    for (size_t step_begin = 0; step_begin < order.size(); step_begin += static_cast<size_t>(per_step)) {
      const size_t step_end = std::min(order.size(), step_begin + static_cast<size_t>(per_step));
      arena.zero_grads();
      // Each micro-batch's mean loss is weighted by its share of the step, so the
      // accumulated gradient is that of the step's mean loss.
      for (size_t b = step_begin; b < step_end; b += static_cast<size_t>(o.batch_size)) {
        const size_t e = std::min(step_end, b + static_cast<size_t>(o.batch_size));
        const TokenWindows batch = gather_rows(train, order, b, e);
        const Tensor loss = o.objective == "masked" ? masked_token_loss(model, batch, o, gen, true)
                                                    : next_token_loss(model, batch, true);
        const double share = static_cast<double>(e - b) / static_cast<double>(step_end - step_begin);
        loss.backward(full(loss.shape(), share, loss.dtype()));
        loss_sum += loss.item() * static_cast<double>(e - b);
      }
      optimizer.apply_gradients(arena.params<float>(), arena.grads<float>(), arena.size());
    }
    PretrainEpoch r;
    r.epoch = epoch;
    r.train_loss = loss_sum / static_cast<double>(train.size());
    // The masked objective scores one fixed corruption of the held-out windows every epoch.
    r.validation_loss = o.objective == "masked" ? masked_language_model_loss(model, validation, o, o.seed + 1)
                                                : language_model_loss(model, validation, o.batch_size);
    r.validation_perplexity = std::exp(r.validation_loss);
    r.learning_rate = optimizer.learning_rate();
    r.steps = optimizer.iterations();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.tokens_per_second = r.seconds > 0 ? static_cast<double>(train.size() * train.inputs.size(1)) / r.seconds : 0.0;
    if (!std::isfinite(r.train_loss))
      throw ValueError(
          fmt::format("pretrain: the training loss became {} in epoch {}; lower learning_rate", r.train_loss, epoch));
    history.push_back(r);
    if (!o.checkpoint.empty()) {
      nlohmann::json epochs = nlohmann::json::array();
      for (const PretrainEpoch& e : history) epochs.push_back(epoch_json(e));
      model.set_attachment("pretrain_state", {{"run", identity},
                                              {"generator", gen.state()},
                                              {"default_generator", default_generator().state()},
                                              {"history", epochs}});
      model.save(o.checkpoint);
    }
    if (o.verbose > 0)
      fmt::print("epoch {}/{}: loss {:.4f}  val_loss {:.4f}  val_perplexity {:.2f}  lr {:.2e}  {:.0f} tokens/s\n",
                 epoch, o.epochs, r.train_loss, r.validation_loss, r.validation_perplexity, r.learning_rate,
                 r.tokens_per_second);
    if (on_epoch) on_epoch(r);
  }
  return history;
}

}  // namespace deepfin::lm
