#include "models/fit_progress.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <typeinfo>

#include "deepfin/base/error.h"
#include "deepfin/models/model.h"
#include "deepfin/train/checkpoint.h"
#include "models/data_parallel.h"

namespace deepfin::models::detail {
namespace {

constexpr int kFormat = 2;  // 2: metric states and callback weights as tensors

// Callbacks that carry state, by kind and count ("CSVLogger#0"). Ranks other
// than 0 lack those that write files, so each rank restores the ones it has.
std::map<std::string, train::Callback*> stateful(const train::CallbackList& callbacks) {
  std::map<std::string, train::Callback*> out;
  std::map<std::string, int> seen;
  for (const auto& cb : callbacks.callbacks()) {
    if (cb->checkpoint_state().is_null()) continue;
    const std::string kind = typeid(*cb).name();
    out[kind + "#" + std::to_string(seen[kind]++)] = cb.get();
  }
  return out;
}

}  // namespace

train::TrainingState fit_state(const FitProgress& at, bool finished, const std::string& fingerprint,
                               train::Communicator& comm, const Generator& order, const Generator& steps_rng,
                               const train::CallbackList& callbacks,
                               const std::vector<std::shared_ptr<metrics::Metric>>& metrics,
                               const optim::Optimizer& optimizer) {
  train::TrainingState out;
  // Each rank's dropout stream (text) and metric states (numbers, perhaps one
  // per row seen: a tensor, not JSON).
  nlohmann::json ranks = nlohmann::json::array();
  for (const std::string& rng : comm.allgather(steps_rng.state())) ranks.push_back({{"rng", rng}});
  const std::vector<std::vector<double>> states = allgather_values(comm, metric_states(metrics));
  for (size_t r = 0; r < states.size(); ++r)
    out.tensors[fmt::format("metrics/{}", r)] = from_vector(states[r], {static_cast<int64_t>(states[r].size())});
  nlohmann::json callback_states = nlohmann::json::object();
  for (const auto& [key, cb] : stateful(callbacks)) {
    callback_states[key] = cb->checkpoint_state();
    const std::vector<Tensor> tensors = cb->checkpoint_tensors();
    for (size_t i = 0; i < tensors.size(); ++i) out.tensors[fmt::format("callbacks/{}/{}", key, i)] = tensors[i];
  }
  nlohmann::json state = {{"format", kFormat},
                          {"fingerprint", fingerprint},
                          {"epoch", at.epoch},
                          {"next_batch", at.next_batch},
                          {"steps", at.steps},
                          {"loss_sum", at.loss_sum},
                          {"seen", at.seen},
                          {"epoch_order", at.epoch_order},
                          {"epoch_learning_rate", at.epoch_learning_rate},
                          {"order", order.state()},
                          {"ranks", ranks},
                          {"callbacks", callback_states},
                          {"finished", finished},
                          {"logs", at.logs}};
  if (!optimizer.schedule()) state["learning_rate"] = optimizer.learning_rate();
  out.state = std::move(state);
  return out;
}

void prepare_fresh_checkpoints(const std::string& directory) {
  const std::vector<std::filesystem::path> files = train::list_checkpoints(directory);
  if (files.empty()) return;
  bool finished = false;
  const GeneratorStateGuard unchanged;  // load_model's initializers draw; a fresh run must not see it
  try {
    finished = load_model(files.front().string())->attachment("training_state").value("finished", false);
  } catch (const Error&) {  // unreadable: not known to be finished, so kept
  }
  if (!finished)
    throw ValueError(fmt::format(
        "fit: the checkpoint directory '{}' holds checkpoints of an earlier run that did not finish (newest: {}). "
        "Resume it (deepfin train --resume), or remove the directory to start afresh",
        directory, files.front().filename().string()));
  for (const auto& file : files) std::filesystem::remove(file);
  fmt::print(stderr, "starting afresh: removed the {} checkpoint(s) of a finished earlier run from {}\n", files.size(),
             directory);
}

FitProgress resume_fit(const train::TrainingState& saved, train::Communicator& comm, Generator& order,
                       Generator& steps_rng, train::CallbackList& callbacks,
                       const std::vector<std::shared_ptr<metrics::Metric>>& metrics, optim::Optimizer& optimizer,
                       std::optional<PrivateTraining>& dp) {
  const nlohmann::json& state = saved.state;
  auto tensor = [&](const std::string& name) -> const Tensor* {
    auto it = saved.tensors.find(name);
    return it == saved.tensors.end() ? nullptr : &it->second;
  };
  try {
    if (state.at("format").get<int>() != kFormat)
      throw ValueError(fmt::format("its format {} is not this version's {}", state.at("format").dump(), kFormat));
    const nlohmann::json& ranks = state.at("ranks");
    if (ranks.size() != static_cast<size_t>(comm.size()))
      throw ValueError(fmt::format("it was written by a run of {} ranks, and this run has {}; resume with as many",
                                   ranks.size(), comm.size()));
    FitProgress at;
    at.epoch = state.at("epoch").get<int>();
    at.next_batch = state.at("next_batch").get<int64_t>();
    at.steps = state.at("steps").get<int64_t>();
    at.loss_sum = train::checkpoint_number(state.at("loss_sum"));
    at.seen = state.at("seen").get<int64_t>();
    at.epoch_order = state.at("epoch_order").get<std::string>();
    at.epoch_learning_rate = state.at("epoch_learning_rate").get<double>();
    at.finished = state.at("finished").get<bool>();
    at.logs = train::checkpoint_logs(state.at("logs"));
    const nlohmann::json& mine = ranks.at(static_cast<size_t>(comm.rank()));
    at.rank_rng = mine.at("rng").get<std::string>();
    order.set_state(state.at("order").get<std::string>());
    steps_rng.set_state(at.rank_rng);  // after order: on one process they are one generator
    const Tensor* states = tensor(fmt::format("metrics/{}", comm.rank()));
    for (const auto& m : metrics) m->reset_state();
    merge_metric_states(metrics, states ? states->to_vector<double>() : std::vector<double>());
    const nlohmann::json& callback_states = state.at("callbacks");
    for (const auto& [key, cb] : stateful(callbacks)) {
      if (!callback_states.contains(key))
        throw ValueError(fmt::format("this fit has a callback ({}) that the checkpointed fit did not have", key));
      std::vector<Tensor> tensors;
      while (const Tensor* t = tensor(fmt::format("callbacks/{}/{}", key, tensors.size()))) tensors.push_back(*t);
      cb->resume(callback_states.at(key), std::move(tensors));
    }
    if (state.contains("learning_rate") && !optimizer.schedule())
      optimizer.set_learning_rate(train::checkpoint_number(state.at("learning_rate")));
    if (dp) dp->resume_after(at.steps);  // the privacy already spent
    return at;
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(fmt::format("fit: the checkpoint's training state is malformed: {}", e.what()));
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("fit: cannot resume from the checkpoint: {}", e.what()));
  }
}

}  // namespace deepfin::models::detail
