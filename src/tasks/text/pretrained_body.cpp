#include "tasks/text/pretrained_body.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/lm/lora_files.h"
#include "deepfin/optim/optimizer.h"
#include "deepfin/tasks/language_model_task.h"

namespace deepfin::tasks::detail {

PretrainedBody load_pretrained_body(const JobSpec& job, int64_t max_length) {
  const std::string file = job.file.string();
  if (!job.model.at("pretrained").is_string())
    throw ConfigError(fmt::format("{}: [model] pretrained must be the path of a language model file", file));
  const std::string path = job.model.at("pretrained").get<std::string>();
  LanguageModel lm = LanguageModel::load(path);
  if (max_length > lm.network().context_length())
    throw ConfigError(fmt::format("{}: [text] max_length {} passes the context of the pretrained model {} ({} tokens)",
                                  file, max_length, path, lm.network().context_length()));
  return {lm.network_ptr(), lm.tokenizer_ptr()};
}

PretrainedBody pretrain_body(const JobSpec& job, const std::vector<std::string>& texts, int64_t max_length,
                             const std::function<void(const std::string&)>& say) {
  const std::string file = job.file.string();
  if (job.model.contains("pretrained"))
    throw ConfigError(
        fmt::format("{}: [model] has both pretrain (pretrain a body here) and pretrained (load one): keep one", file));
  if (!job.model.at("pretrain").is_string())
    throw ConfigError(fmt::format("{}: [model] pretrain must be the path of a pretrain job file", file));
  const std::string path = job.model.at("pretrain").get<std::string>();
  const PretrainSpec spec = parse_body_pretrain_job(io::read_file(path), path);
  const int64_t context = spec.model.at("context_length").get<int64_t>();
  if (max_length > context)
    throw ConfigError(fmt::format("{}: [text] max_length {} passes the body's context_length {} in {}", file,
                                  max_length, context, path));
  TrainedLanguageModel trained = train_language_model(spec, texts, say);
  return {trained.network, trained.tokenizer};
}

nlohmann::json body_model_json(const JobSpec& job, const PretrainedBody& body, int64_t classes) try {
  const std::string file = job.file.string();
  nlohmann::json model = job.model;
  for (const char* key : {"pretrained", "pretrain", "body_learning_rate", "layer_decay"}) model.erase(key);
  nlohmann::json& layers = model["config"]["layers"];
  if (!layers.is_array() || layers.empty() || layers.front().value("class_name", "") != "CausalLM")
    throw ConfigError(
        fmt::format("{}: with [model] pretrained or pretrain, the first layer must be a CausalLM (its body)", file));
  nlohmann::json& config = layers.front()["config"];
  if (config.is_null()) config = nlohmann::json::object();
  const std::set<std::string> allowed = {"name", "trainable", "dropout", "lora_rank", "lora_alpha", "lora_targets"};
  for (const auto& [key, value] : config.items())
    if (!allowed.count(key))
      throw ConfigError(
          fmt::format("{}: the CausalLM body takes '{}' from the pretrained model; the job may set only "
                      "dropout, trainable and lora_rank / lora_alpha / lora_targets",
                      file, key));
  nlohmann::json full = body.network->get_config();
  for (const auto& [key, value] : config.items()) full[key] = value;
  full["output"] = "hidden";
  full["pad_id"] = body.tokenizer->eos_id();
  full.erase("input_shape");
  if (!config.contains("name")) full.erase("name");
  config = full;
  nlohmann::json& last = layers.back()["config"];
  if (!last.contains("units") || last["units"] == 0) last["units"] = classes;
  return model;
} catch (const nlohmann::json::exception& e) {
  throw ConfigError(fmt::format("{}: [model] has a value of the wrong type: {}", job.file.string(), e.what()));
}

void load_body_weights(models::Sequential& model, const PretrainedBody& body) {
  auto network = std::dynamic_pointer_cast<nn::CausalLM>(model.layers().front());
  if (!network) throw ConfigError("a text job with [model] pretrained needs a CausalLM first");
  lm::copy_pretrained_weights(*body.network, *network);
}

void set_discriminative_rates(models::Sequential& model, const JobSpec& job) {
  const std::string file = job.file.string();
  const double body_rate = config::get_or<double>(job.model, "body_learning_rate", 1.0, "model", file);
  const double decay = config::get_or<double>(job.model, "layer_decay", 1.0, "model", file);
  if (!(body_rate >= 0.0) || !(decay > 0.0 && decay <= 1.0))
    throw ConfigError(
        fmt::format("{}: [model] body_learning_rate must be >= 0 and layer_decay in (0, 1], got {} and {}", file,
                    body_rate, decay));
  if (body_rate == 1.0 && decay == 1.0) return;
  auto body = std::dynamic_pointer_cast<nn::CausalLM>(model.layers().front());
  const int64_t blocks = body->num_layers();
  std::vector<double> multipliers;  // in the arena's order: layers, then each layer's trainable weights
  for (const auto& layer : model.layers())
    for (const nn::Weight& w : layer->weights()) {
      if (!w.trainable) continue;
      if (layer != model.layers().front()) {
        multipliers.push_back(1.0);
        continue;
      }
      int64_t depth = blocks;  // embeddings: the deepest below the head
      if (w.name.rfind("block_", 0) == 0) depth = blocks - 1 - std::stoll(w.name.substr(6));
      if (w.name.rfind("final_norm", 0) == 0) depth = 0;
      multipliers.push_back(body_rate * std::pow(decay, static_cast<double>(depth)));
    }
  model.optimizer().set_learning_rate_multipliers(std::move(multipliers));
}

}  // namespace deepfin::tasks::detail
