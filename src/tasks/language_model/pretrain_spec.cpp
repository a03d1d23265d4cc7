// parse_pretrain_job: the pretrain job file's tables into a PretrainSpec.
#include <fmt/format.h>

#include <set>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/language_model_task.h"

namespace deepfin::tasks {
namespace {

void parse_data(const nlohmann::json& data, const std::string& file, PretrainSpec& s) {
  config::check_keys(data, {"files", "format", "text_column", "encoding", "validation_fraction"}, "data", file);
  if (!data.contains("files") || !data.at("files").is_array() || data.at("files").empty())
    throw ConfigError(fmt::format("{}: [data] files must be a non-empty list of text files", file));
  for (const auto& f : data.at("files")) s.files.push_back(config::convert<std::string>(f, file + ": [data] files"));
  s.format = config::get_or<std::string>(data, "format", s.format, "data", file);
  if (s.format != "lines" && s.format != "csv" && s.format != "phrasebank")
    throw ConfigError(
        fmt::format("{}: [data] format must be \"lines\", \"csv\" or \"phrasebank\", got \"{}\"", file, s.format));
  s.text_column = config::get_or<std::string>(data, "text_column", s.text_column, "data", file);
  s.encoding = config::get_or<std::string>(data, "encoding", s.encoding, "data", file);
  if (s.encoding != "auto" && s.encoding != "utf-8" && s.encoding != "latin-1")
    throw ConfigError(
        fmt::format("{}: [data] encoding must be \"auto\", \"utf-8\" or \"latin-1\", got \"{}\"", file, s.encoding));
  s.validation_fraction = config::get_or<double>(data, "validation_fraction", s.validation_fraction, "data", file);
  if (!(s.validation_fraction > 0 && s.validation_fraction < 1))
    throw ConfigError(
        fmt::format("{}: [data] validation_fraction must lie in (0, 1), got {}", file, s.validation_fraction));
}

const std::set<std::string> kLoraKeys = {"lora_rank", "lora_alpha", "lora_targets"};

// [model] pretrained = ...: the model brings its architecture; the job may shorten the
// windows, set dropout and add LoRA.
void parse_pretrained_model(const nlohmann::json& model, const std::string& file, PretrainSpec& s) {
  std::set<std::string> keys = {"pretrained", "context_length", "dropout"};
  keys.insert(kLoraKeys.begin(), kLoraKeys.end());
  config::check_keys(model, keys, "model (with pretrained, the rest comes from the pretrained model)", file);
  s.pretrained = config::get_or<std::string>(model, "pretrained", "", "model", file);
  s.model = model;
  s.model.erase("pretrained");
  nlohmann::json probe = {{"vocab_size", 256}, {"context_length", 8}, {"d_model", 8},   {"num_layers", 1},
                          {"num_heads", 2},    {"ff_dim", 8},         {"mlp", "swiglu"}};
  for (const auto& [key, value] : s.model.items())
    if (key != "context_length") probe[key] = value;
  try {
    nn::CausalLM::from_config(probe);  // lora_* and dropout checked now
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: [model] {}", file, e.what()));
  }
}

void parse_model(const nlohmann::json& model, const std::string& file, PretrainSpec& s) {
  if (model.contains("pretrained")) return parse_pretrained_model(model, file, s);
  std::set<std::string> keys = {"context_length", "d_model",        "num_layers", "num_heads",   "ff_dim",
                                "num_kv_heads",   "positions",      "rope_base",  "norm",        "mlp",
                                "use_bias",       "tie_embeddings", "dropout",    "norm_epsilon"};
  keys.insert(kLoraKeys.begin(), kLoraKeys.end());
  config::check_keys(model, keys, "model", file);
  for (const char* key : {"context_length", "d_model", "num_layers", "num_heads", "ff_dim"})
    if (!model.contains(key)) throw ConfigError(fmt::format("{}: [model] needs {}", file, key));
  s.model = model;
  nlohmann::json probe = model;
  probe["vocab_size"] = 256;
  try {
    nn::CausalLM::from_config(probe);  // the layer's own checks, now rather than after the tokenizer
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: [model] {}", file, e.what()));
  }
}

void parse_pretrain(const nlohmann::json& t, const std::string& file, lm::PretrainOptions& o) {
  config::check_keys(t,
                     {"epochs", "batch_size", "accumulation_steps", "learning_rate", "final_lr_fraction",
                      "warmup_steps", "weight_decay", "clipnorm", "checkpoint", "verbose", "objective", "mask_rate"},
                     "pretrain", file);
  o.epochs = config::get_or<int>(t, "epochs", o.epochs, "pretrain", file);
  o.batch_size = config::get_or<int64_t>(t, "batch_size", o.batch_size, "pretrain", file);
  o.accumulation_steps = config::get_or<int64_t>(t, "accumulation_steps", o.accumulation_steps, "pretrain", file);
  o.learning_rate = config::get_or<double>(t, "learning_rate", o.learning_rate, "pretrain", file);
  o.final_lr_fraction = config::get_or<double>(t, "final_lr_fraction", o.final_lr_fraction, "pretrain", file);
  o.warmup_steps = config::get_or<int64_t>(t, "warmup_steps", o.warmup_steps, "pretrain", file);
  o.weight_decay = config::get_or<double>(t, "weight_decay", o.weight_decay, "pretrain", file);
  o.clipnorm = config::get_or<double>(t, "clipnorm", o.clipnorm, "pretrain", file);
  o.checkpoint = config::get_or<std::string>(t, "checkpoint", o.checkpoint, "pretrain", file);
  o.verbose = config::get_or<int>(t, "verbose", o.verbose, "pretrain", file);
  o.objective = config::get_or<std::string>(t, "objective", o.objective, "pretrain", file);
  o.mask_rate = config::get_or<double>(t, "mask_rate", o.mask_rate, "pretrain", file);
  if (o.objective != "causal" && o.objective != "masked")
    throw ConfigError(
        fmt::format("{}: [pretrain] objective must be \"causal\" (a decoder) or \"masked\" (an encoder, "
                    "BERT's masked LM), got \"{}\"",
                    file, o.objective));
  if (!(o.mask_rate > 0 && o.mask_rate < 1))
    throw ConfigError(fmt::format("{}: [pretrain] mask_rate must lie in (0, 1), got {}", file, o.mask_rate));
  if (o.epochs < 0 || o.batch_size < 1 || o.accumulation_steps < 1)
    throw ConfigError(
        fmt::format("{}: [pretrain] needs epochs >= 0 (0: keep the initial weights) and batch_size and "
                    "accumulation_steps >= 1",
                    file));
  if (!(o.learning_rate > 0) || !(o.final_lr_fraction >= 0 && o.final_lr_fraction <= 1) || !(o.weight_decay >= 0) ||
      !(o.clipnorm >= 0) || o.warmup_steps < -1)
    throw ConfigError(
        fmt::format("{}: [pretrain] needs learning_rate > 0, final_lr_fraction in [0, 1], "
                    "weight_decay >= 0, clipnorm >= 0 and warmup_steps >= -1",
                    file));
}

// seed, threads, [tokenizer], [model] and [pretrain]: what both kinds of pretrain job have.
void parse_training(const nlohmann::json& j, const std::string& name, PretrainSpec& s) {
  s.seed = config::get_or<uint64_t>(j, "seed", s.seed, "top level", name);
  if (j.contains("threads")) s.threads = config::get_or<int>(j, "threads", 1, "top level", name);
  const nlohmann::json tok = j.value("tokenizer", nlohmann::json::object());
  config::check_keys(tok, {"vocab_size", "min_frequency"}, "tokenizer", name);
  s.vocab_size = config::get_or<int64_t>(tok, "vocab_size", s.vocab_size, "tokenizer", name);
  s.min_frequency = config::get_or<int64_t>(tok, "min_frequency", s.min_frequency, "tokenizer", name);
  if (s.vocab_size < 257 || s.vocab_size > (int64_t{1} << 24) || s.min_frequency < 1)
    throw ConfigError(
        fmt::format("{}: [tokenizer] needs vocab_size in [257, 2^24] (256 bytes + end of text) and "
                    "min_frequency >= 1, got {} and {}",
                    name, s.vocab_size, s.min_frequency));
  parse_model(j.at("model"), name, s);
  if (!s.pretrained.empty() && j.contains("tokenizer"))
    throw ConfigError(
        fmt::format("{}: [tokenizer] does not apply with [model] pretrained: the pretrained model "
                    "brings its own tokenizer",
                    name));
  parse_pretrain(j.value("pretrain", nlohmann::json::object()), name, s.pretrain);
  s.pretrain.seed = s.seed;
}

}  // namespace

PretrainSpec parse_pretrain_job(const std::string& toml_text, const std::string& name) {
  const nlohmann::json j = job_file_json(toml_text, name);
  config::check_keys(j, {"seed", "threads", "data", "tokenizer", "model", "pretrain", "output"}, "top level", name);
  for (const char* table : {"data", "model", "output"})
    if (!j.contains(table) || !j.at(table).is_object())
      throw ConfigError(fmt::format("{}: missing required table [{}]", name, table));
  PretrainSpec s;
  try {
    parse_data(j.at("data"), name, s);
    parse_training(j, name, s);
    const nlohmann::json& out = j.at("output");
    config::check_keys(out, {"model", "adapters", "merged"}, "output", name);
    s.output_model = config::get_or<std::string>(out, "model", "", "output", name);
    s.output_adapters = config::get_or<std::string>(out, "adapters", "", "output", name);
    s.output_merged = config::get_or<std::string>(out, "merged", "", "output", name);
    const bool lora = s.model.value("lora_rank", int64_t{0}) > 0;
    if (!lora && (!s.output_adapters.empty() || !s.output_merged.empty()))
      throw ConfigError(fmt::format("{}: [output] adapters and merged need LoRA ([model] lora_rank > 0)", name));
    if (s.output_model.empty()) throw ConfigError(fmt::format("{}: [output] needs model = a .safetensors path", name));
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("{}: a value has the wrong type: {}", name, e.what()));
  }
  return s;
}

PretrainSpec parse_body_pretrain_job(const std::string& toml_text, const std::string& name) {
  const nlohmann::json j = job_file_json(toml_text, name);
  for (const char* table : {"data", "output"})
    if (j.contains(table))
      throw ConfigError(fmt::format(
          "{}: [{}] does not belong in a body's pretrain job: the body is pretrained on each fit's training texts "
          "alone (so no test text is seen) and saved inside the text model",
          name, table));
  config::check_keys(j, {"seed", "threads", "tokenizer", "model", "pretrain"}, "top level", name);
  if (!j.contains("model") || !j.at("model").is_object())
    throw ConfigError(fmt::format("{}: missing required table [model]", name));
  PretrainSpec s;
  try {
    parse_training(j, name, s);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("{}: a value has the wrong type: {}", name, e.what()));
  }
  if (!s.pretrained.empty() || !s.pretrain.checkpoint.empty() || s.model.value("lora_rank", int64_t{0}) > 0)
    throw ConfigError(
        fmt::format("{}: a body pretrained inside each fit starts from random weights, with no checkpoint and no LoRA "
                    "(for a pretrained file, use [model] pretrained in the text job)",
                    name));
  return s;
}

}  // namespace deepfin::tasks
