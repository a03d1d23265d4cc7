// Writing and reading the checkpoints of a fit (train/checkpoint.h). A
// checkpoint is a model file with the fit's state attached, so its weights and
// optimizer state are written, checked and read by the model file's own code.
#include <fmt/format.h>

#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/io/safetensors.h"
#include "deepfin/models/model.h"
#include "deepfin/optim/optimizer.h"
#include "deepfin/train/checkpoint.h"
#include "models/data_parallel.h"

namespace deepfin::models {
namespace {

constexpr const char* kStateKey = "training_state";

}  // namespace

void Model::write_checkpoint(const std::string& path, const train::TrainingState& training_state) const {
  save_with(path, {{kStateKey, training_state.state}}, training_state.tensors);
}

std::string Model::choose_checkpoint(const std::string& directory, const std::string& fingerprint) const {
  // load_model's initializers draw: when no checkpoint is usable, the fresh start must not see it.
  const GeneratorStateGuard unchanged;
  for (const std::filesystem::path& path : train::list_checkpoints(directory)) {
    std::shared_ptr<Model> saved;
    try {
      saved = load_model(path.string());
    } catch (const Error& e) {  // torn, corrupt or unreadable: an older one may do
      fmt::print(stderr, "warning: skipping checkpoint {}: {}\n", path.string(), e.what());
      continue;
    }
    const nlohmann::json state = saved->attachment(kStateKey);
    if (!state.is_object() || !saved->compiled()) {
      fmt::print(stderr, "warning: skipping {}: it is a model file, not a checkpoint of a fit\n", path.string());
      continue;
    }
    if (state.value("fingerprint", std::string()) != fingerprint ||
        detail::unnamed_config(saved->get_config()) != detail::unnamed_config(get_config()))
      throw ValueError(fmt::format(
          "fit: checkpoint {} was written by a different run (another model, data, fit options or number of ranks). "
          "Resume with the job that wrote it, or remove the checkpoint directory '{}' to start afresh",
          path.string(), directory));
    return path.string();
  }
  return "";
}

train::TrainingState Model::restore_checkpoint(const std::string& path, bool speak) {
  const std::shared_ptr<Model> saved = load_model(path);
  train::TrainingState out;
  out.state = saved->attachment(kStateKey);
  if (!out.state.is_object() || !saved->compiled())
    throw ValueError(fmt::format("fit: {} is not a checkpoint of a fit", path));
  const std::string prefix = "checkpoint/";
  for (auto& [name, t] : io::load_safetensors(path).tensors)  // the state's tensors, which load_model passes by
    if (name.rfind(prefix, 0) == 0) out.tensors[name.substr(prefix.size())] = std::move(t);
  set_weights(saved->get_weights());
  optimizer_->set_state(saved->optimizer().state());
  if (speak)  // on stderr, like the warnings: stdout may be a JSON log
    fmt::print(stderr, "resuming from {} (epoch {}, after batch {})\n", path, out.state.at("epoch").get<int>() + 1,
               out.state.at("next_batch").get<int64_t>());
  return out;
}

}  // namespace deepfin::models
