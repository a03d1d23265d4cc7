// Model::save and load_model: one .safetensors file holding the weights
// ("layers/<layer>/<weight>"), the optimizer state ("optimizer/<name>"), attached
// tensors ("attached/<name>"), and in its metadata the model config, the compile
// config and format versions.
#include <fmt/format.h>

#include <map>

#include "deepfin/io/json_text.h"
#include "deepfin/io/safetensors.h"
#include "deepfin/losses/loss.h"
#include "deepfin/models/model.h"
#include "deepfin/models/sequential.h"
#include "deepfin/nn/weight_budget.h"
#include "deepfin/optim/optim.h"
#include "deepfin/version.h"
#include "models/input_checks.h"

namespace deepfin::models {
namespace {

constexpr const char* kFormat = DEEPFIN_MODEL_FORMAT;
constexpr const char* kVersion = DEEPFIN_VERSION;
constexpr const char* kAttachedPrefix = "attached/";

std::string weight_key(const nn::Layer& layer, const nn::Weight& w) {
  return "layers/" + layer.name() + "/" + w.name;
}

// Metadata keys the file format itself uses; attachments may not take them.
bool is_reserved_key(const std::string& key) {
  return key == "deepfin_format" || key == "deepfin_version" || key == "model_config" || key == "compile_config" ||
         key == "attachments" || key == "deepfin_crc32";  // the last: io/safetensors.cpp's checksums
}

nlohmann::json parse_metadata(const io::SafetensorsFile& file, const std::string& key, const std::string& path) {
  auto it = file.metadata.find(key);
  if (it == file.metadata.end()) return nullptr;
  return io::parse_json_text(it->second, fmt::format("load_model: '{}' metadata '{}'", path, key));
}

std::shared_ptr<Model> model_from_config(const nlohmann::json& j, const std::string& path) {
  const std::string class_name = j.value("class_name", std::string());
  if (class_name == "Sequential") return Sequential::from_config(j.value("config", nlohmann::json::object()));
  throw ConfigError(
      fmt::format("load_model: '{}' holds a model of unknown class_name '{}'; known: Sequential", path, class_name));
}

}  // namespace

void Model::save(const std::string& path) const {
  save_with(path, {});
}

void Model::save_with(const std::string& path, const std::map<std::string, nlohmann::json>& extra,
                      const std::map<std::string, Tensor>& extra_tensors) const {
  if (!built_)
    throw ValueError(fmt::format("save: model '{}' is not built yet; call it on data or build() first", name_));
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const auto& layer : layers())
    for (const nn::Weight& w : layer->weights()) {
      // load_model refuses such a file, so it is not written (the writer demands what the reader does).
      if (const int64_t bad = detail::first_nonfinite(w.value); bad >= 0)
        throw ValueError(
            fmt::format("save: {}: weight '{}' holds NaN or Inf (element {}), so the model cannot make "
                        "predictions; training diverged and nothing was written",
                        path, weight_key(*layer, w), bad));
      tensors.emplace_back(weight_key(*layer, w), w.value.detach());
    }
  std::map<std::string, std::string> metadata = {
      {"deepfin_format", kFormat},
      {"deepfin_version", kVersion},
      {"model_config", nlohmann::json{{"class_name", class_name()}, {"config", get_config()}}.dump()},
  };
  std::map<std::string, nlohmann::json> attachments = attachments_;
  attachments.insert(extra.begin(), extra.end());
  if (!attachments.empty()) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [key, value] : attachments) {
      try {
        metadata[key] = value.dump();
      } catch (const nlohmann::json::type_error& e) {
        throw ValueError(
            fmt::format("save: {}: attachment '{}' holds a string that is not valid UTF-8 ({})", path, key, e.what()));
      }
      names.push_back(key);
    }
    metadata["attachments"] = names.dump();
  }
  for (const auto& [name, t] : attached_tensors_) {
    if (const int64_t bad = detail::first_nonfinite(t); bad >= 0)  // e.g. a diverged ensemble member
      throw ValueError(fmt::format("save: {}: attached tensor '{}' holds NaN or Inf (element {}); nothing was written",
                                   path, name, bad));
    tensors.emplace_back(kAttachedPrefix + name, t);
  }
  if (compiled()) {
    metadata["compile_config"] = compile_config().dump();
    for (auto& [name, t] : optimizer_->state()) tensors.emplace_back("optimizer/" + name, t);
  }
  for (const auto& [name, t] : extra_tensors)
    tensors.emplace_back("checkpoint/" + name, t);  // load_model reads past them
  io::save_safetensors(path, tensors, metadata);
}

void Model::set_attachment(const std::string& key, nlohmann::json value) {
  if (key.empty() || is_reserved_key(key))
    throw ValueError(fmt::format("set_attachment: model '{}' cannot use the key '{}' (reserved or empty)", name_, key));
  attachments_[key] = std::move(value);
}

void Model::set_attached_tensors(std::map<std::string, Tensor> tensors) {
  for (const auto& [name, t] : tensors) {
    if (name.empty()) throw ValueError(fmt::format("set_attached_tensors: model '{}' got an empty tensor name", name_));
    if (!t.defined())
      throw ValueError(fmt::format("set_attached_tensors: model '{}' got no tensor for '{}'", name_, name));
  }
  for (auto& [name, t] : tensors) t = t.detach().contiguous();
  attached_tensors_ = std::move(tensors);
}

nlohmann::json Model::attachment(const std::string& key) const {
  auto it = attachments_.find(key);
  return it == attachments_.end() ? nlohmann::json() : it->second;
}

std::shared_ptr<Model> load_model(const std::string& path) {
  const io::SafetensorsFile file = io::load_safetensors(path);
  auto format = file.metadata.find("deepfin_format");
  if (format == file.metadata.end() || format->second != kFormat)
    throw FileError(
        fmt::format("load_model: '{}' is not a deepfin model file (deepfin_format {} expected)", path, kFormat));
  const nlohmann::json model_config = parse_metadata(file, "model_config", path);
  if (model_config.is_null()) throw FileError(fmt::format("load_model: '{}' has no model_config metadata", path));
  // Every weight must come from the file, so building the model may not create more
  // than the file holds: a corrupt input_shape or units fails here, before allocating.
  // (With 16 MiB to spare, so a small file that lacks a tensor is named as such below.)
  int64_t tensor_bytes = 0;
  for (const auto& [name, t] : file.tensors) tensor_bytes += t.numel() * static_cast<int64_t>(dtype_size(t.dtype()));
  nn::WeightBudgetScope budget(tensor_bytes + (int64_t{16} << 20),
                               fmt::format("the model file '{}' holds {} bytes of tensors", path, tensor_bytes));
  std::shared_ptr<Model> model;
  try {
    model = model_from_config(model_config, path);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("load_model: '{}' has a malformed model_config: {}", path, e.what()));
  }
  if (!model->built()) throw FileError(fmt::format("load_model: '{}' does not record the model's input shape", path));

  const nlohmann::json attachment_names = parse_metadata(file, "attachments", path);
  if (!attachment_names.is_null()) {
    if (!attachment_names.is_array())
      throw FileError(fmt::format("load_model: '{}' has malformed 'attachments' metadata", path));
    for (const auto& name : attachment_names) {
      if (!name.is_string())
        throw FileError(fmt::format("load_model: '{}' has malformed 'attachments' metadata", path));
      const nlohmann::json value = parse_metadata(file, name.get<std::string>(), path);
      if (value.is_null())
        throw FileError(
            fmt::format("load_model: '{}' lists attachment '{}' but does not hold it", path, name.get<std::string>()));
      model->set_attachment(name.get<std::string>(), value);
    }
  }

  std::map<std::string, Tensor> by_name;
  std::vector<std::pair<std::string, Tensor>> optimizer_state;
  std::map<std::string, Tensor> attached;
  const std::string attached_prefix = kAttachedPrefix;
  for (const auto& [name, t] : file.tensors) {
    by_name[name] = t;
    if (name.rfind("optimizer/", 0) == 0) optimizer_state.emplace_back(name.substr(10), t);
    if (name.rfind(attached_prefix, 0) == 0 && name.size() > attached_prefix.size()) {
      if (const int64_t bad = detail::first_nonfinite(t); bad >= 0)
        throw FileError(fmt::format("load_model: '{}' tensor '{}' holds NaN or Inf (element {})", path, name, bad));
      attached[name.substr(attached_prefix.size())] = t;
    }
  }
  model->set_attached_tensors(std::move(attached));
  for (const auto& layer : model->layers()) {
    for (const nn::Weight& w : layer->weights()) {
      auto it = by_name.find(weight_key(*layer, w));
      if (it == by_name.end())
        throw FileError(fmt::format("load_model: '{}' lacks tensor '{}'", path, weight_key(*layer, w)));
      if (it->second.shape() != w.value.shape())
        throw ShapeError(fmt::format("load_model: '{}' tensor '{}' has shape {} but layer '{}' expects {}", path,
                                     it->first, shape_str(it->second.shape()), layer->name(),
                                     shape_str(w.value.shape())));
      if (const int64_t bad = detail::first_nonfinite(it->second); bad >= 0)
        throw FileError(
            fmt::format("load_model: '{}' tensor '{}' holds NaN or Inf (element {}): the model was saved "
                        "after training diverged and cannot make predictions",
                        path, it->first, bad));
      nn::assign_values(w.value, it->second);
    }
  }

  const nlohmann::json compile = parse_metadata(file, "compile_config", path);
  if (compile.is_object()) {
    try {
      model->compile({.optimizer = optim::from_config(compile.at("optimizer")),
                      .loss = losses::from_config(compile.at("loss")),
                      .metrics = compile.value("metrics", std::vector<std::string>{})});
    } catch (const nlohmann::json::exception& e) {
      throw FileError(fmt::format("load_model: '{}' has a malformed compile_config: {}", path, e.what()));
    }
    for (const auto& [name, t] : optimizer_state)
      if (const int64_t bad = detail::first_nonfinite(t); bad >= 0)
        throw FileError(
            fmt::format("load_model: '{}' optimizer state '{}' holds NaN or Inf (element {})", path, name, bad));
    if (!optimizer_state.empty()) model->optimizer().set_state(optimizer_state);
  }
  return model;
}

}  // namespace deepfin::models
