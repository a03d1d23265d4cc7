#include "deepfin/lm/lora_files.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "deepfin/base/error.h"
#include "deepfin/io/safetensors.h"

namespace deepfin::lm {

void copy_pretrained_weights(const nn::CausalLM& from, nn::CausalLM& to) {
  // A model trained with adapters gives its merged weights, so what the adapters learned stays.
  const std::shared_ptr<nn::CausalLM> merged = from.options().lora_rank > 0 ? from.merged() : nullptr;
  const nn::CausalLM& base = merged ? *merged : from;
  std::map<std::string, Tensor> source;
  for (const nn::Weight& w : base.weights()) source[w.name] = w.value;
  for (nn::Weight& w : to.weights()) {
    const auto it = source.find(w.name);
    if (it == source.end()) {
      if (w.name.find("_lora_") != std::string::npos) continue;  // new adapters keep their initialization
      throw ValueError(fmt::format("CausalLM '{}': the pretrained model has no weight '{}'", to.name(), w.name));
    }
    if (it->second.shape() != w.value.shape())
      throw ValueError(fmt::format("CausalLM '{}': weight '{}' is {} here but {} in the pretrained model", to.name(),
                                   w.name, shape_str(w.value.shape()), shape_str(it->second.shape())));
    nn::assign_values(w.value, it->second);
  }
}

std::shared_ptr<nn::CausalLM> with_lora(const nn::CausalLM& base, int64_t rank, double alpha,
                                        const std::vector<std::string>& targets, double dropout) {
  if (!base.built()) throw ValueError(fmt::format("with_lora: CausalLM '{}' has no weights yet", base.name()));
  // New adapters go on the merged weights of a model that already has some.
  if (base.options().lora_rank > 0) return with_lora(*base.merged(), rank, alpha, targets, dropout);
  nn::CausalLMOptions o = base.options();
  o.lora_rank = rank;
  o.lora_alpha = alpha;
  o.lora_targets = targets;
  o.dropout = dropout;
  o.name = base.name();
  auto out = std::make_shared<nn::CausalLM>(base.vocab_size(), base.context_length(), base.d_model(), base.num_layers(),
                                            base.num_heads(), base.ff_dim(), o);
  out->build(base.input_shape());
  for (const nn::Weight& w : base.weights())
    if (w.name.find("_lora_") == std::string::npos) nn::assign_values(out->weight(w.name), w.value);
  return out;
}

void save_lora_adapters(const nn::CausalLM& model, const std::string& path) {
  if (model.options().lora_rank < 1)
    throw ValueError(
        fmt::format("save_lora_adapters: CausalLM '{}' has no LoRA adapters (lora_rank = 0)", model.name()));
  const nlohmann::json meta = {{"lora_rank", model.options().lora_rank},
                               {"lora_alpha", model.options().lora_alpha},
                               {"lora_targets", model.options().lora_targets}};
  io::save_safetensors(path, model.lora_weights(), {{"deepfin_lora", meta.dump()}});
}

std::shared_ptr<nn::CausalLM> apply_lora_adapters(const nn::CausalLM& base, const std::string& path) {
  const io::SafetensorsFile file = io::load_safetensors(path);
  const auto meta_it = file.metadata.find("deepfin_lora");
  if (meta_it == file.metadata.end())
    throw FileError(fmt::format("{}: not a LoRA adapters file (no deepfin_lora metadata)", path));
  nlohmann::json meta;
  std::shared_ptr<nn::CausalLM> out;
  try {
    meta = nlohmann::json::parse(meta_it->second);
    out = with_lora(base, meta.at("lora_rank").get<int64_t>(), meta.at("lora_alpha").get<double>(),
                    meta.at("lora_targets").get<std::vector<std::string>>(), base.options().dropout);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: damaged deepfin_lora metadata: {}", path, e.what()));
  } catch (const ConfigError& e) {
    throw FileError(fmt::format("{}: its LoRA settings do not fit the model: {}", path, e.what()));
  }
  std::map<std::string, Tensor> tensors(file.tensors.begin(), file.tensors.end());
  for (const auto& [name, expected] : out->lora_weights()) {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw FileError(fmt::format("{}: adapter tensor '{}' is missing", path, name));
    if (it->second.shape() != expected.shape())
      throw FileError(fmt::format("{}: adapter tensor '{}' has shape {}, the model needs {}", path, name,
                                  shape_str(it->second.shape()), shape_str(expected.shape())));
    nn::assign_values(expected, it->second);
    tensors.erase(it);
  }
  if (!tensors.empty())
    throw FileError(fmt::format("{}: adapter tensor '{}' has no place in the model", path, tensors.begin()->first));
  return out;
}

}  // namespace deepfin::lm
