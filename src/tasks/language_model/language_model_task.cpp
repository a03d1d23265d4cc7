// The pretrain recipe (documents -> tokenizer -> windows -> CausalLM) and loading
// a saved language model for generation.
#include "deepfin/tasks/language_model_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/io/read_file.h"
#include "deepfin/lm/gpt2_checkpoint.h"
#include "deepfin/lm/lora_files.h"
#include "deepfin/models/model.h"
#include "deepfin/text/readers.h"

namespace deepfin::tasks {
namespace {

void read_lines(const std::string& path, std::vector<std::string>& out) {
  const std::string bytes = io::read_file(path);
  size_t start = 0;
  while (start <= bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) out.push_back(std::move(line));
    start = end + 1;
  }
}

void read_csv_column(const PretrainSpec& s, const std::string& path, std::vector<std::string>& out) {
  const data::Table table =
      data::read_csv(path, {.missing_values = {}, .encoding = s.encoding == "latin-1" ? "latin-1" : "utf-8"});
  for (const auto& cell : table.column(s.text_column).values)
    if (cell && cell->find_first_not_of(" \t") != std::string::npos) out.push_back(*cell);
}

std::string lm_attachment_error(const std::string& path, const std::string& why) {
  return fmt::format("{}: not a language model saved by `deepfin pretrain`: {}", path, why);
}

}  // namespace

std::vector<std::string> read_documents(const PretrainSpec& s) {
  std::vector<std::string> docs;
  for (const std::string& path : s.files) {
    if (s.format == "lines") read_lines(path, docs);
    if (s.format == "csv") read_csv_column(s, path, docs);
    if (s.format == "phrasebank") {
      const text::LabelledText t = text::read_phrasebank(path, s.encoding);
      docs.insert(docs.end(), t.texts.begin(), t.texts.end());
    }
  }
  if (docs.size() < 2)
    throw ValueError(
        fmt::format("pretrain: the files hold {} document(s); a held-out part needs at least 2", docs.size()));
  return docs;
}

TrainedLanguageModel train_language_model(const PretrainSpec& spec, std::vector<std::string> docs,
                                          const std::function<void(const std::string&)>& say) {
  auto tell = [&](const std::string& line) {
    if (say) say(line);
  };
  if (docs.size() < 2)
    throw ValueError(fmt::format("pretrain: {} document(s); a held-out part needs at least 2", docs.size()));
  // Whole documents are held out, at random, so no held-out text was seen in part.
  Generator gen(spec.seed);
  for (size_t i = docs.size(); i > 1; --i) std::swap(docs[i - 1], docs[gen.below(i)]);
  const size_t held =
      std::clamp<size_t>(static_cast<size_t>(std::llround(spec.validation_fraction * docs.size())), 1, docs.size() - 1);
  const std::vector<std::string> validation(docs.begin(), docs.begin() + static_cast<std::ptrdiff_t>(held));
  const std::vector<std::string> train(docs.begin() + static_cast<std::ptrdiff_t>(held), docs.end());

  TrainedLanguageModel out;
  PretrainRun& run = out.run;
  std::shared_ptr<text::ByteBpeTokenizer>& tokenizer = out.tokenizer;
  std::shared_ptr<nn::CausalLM>& network = out.network;
  const nlohmann::json& m = spec.model;
  if (!spec.pretrained.empty()) {
    LanguageModel base = LanguageModel::load(spec.pretrained);
    tokenizer = base.tokenizer_ptr();
    try {
      network = lm::with_lora(base.network(), m.value("lora_rank", int64_t{0}), m.value("lora_alpha", 16.0),
                              m.value("lora_targets", base.network().options().lora_targets),
                              m.value("dropout", base.network().options().dropout));
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("[model] does not fit the pretrained model {}: {}", spec.pretrained, e.what()));
    }
    tell(fmt::format("start: {} ({} tokens in its tokenizer)", spec.pretrained, tokenizer->vocab_size()));
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    tokenizer = std::make_shared<text::ByteBpeTokenizer>(
        text::ByteBpeTokenizer::train(train, {.vocab_size = spec.vocab_size, .min_frequency = spec.min_frequency}));
    run.tokenizer_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    tell(fmt::format("tokenizer: byte-level BPE, {} tokens ({} merges) learned from {} training documents in {:.1f} s",
                     tokenizer->vocab_size(), tokenizer->num_merges(), train.size(), run.tokenizer_seconds));
    nlohmann::json config = m;
    // A masked-LM encoder attends both ways and has one more token: the mask, after the tokenizer's ids.
    const bool masked = spec.pretrain.objective == "masked";
    config["vocab_size"] = tokenizer->vocab_size() + (masked ? 1 : 0);
    if (masked) config["attention"] = "bidirectional";
    set_random_seed(spec.seed);
    network = std::dynamic_pointer_cast<nn::CausalLM>(nn::CausalLM::from_config(config));
  }
  if ((spec.pretrain.objective == "masked") != (network->options().attention == "bidirectional"))
    throw ConfigError(fmt::format("[pretrain] objective \"{}\" does not fit a model whose attention is \"{}\"",
                                  spec.pretrain.objective, network->options().attention));
  run.documents = static_cast<int64_t>(train.size());
  run.validation_documents = static_cast<int64_t>(validation.size());
  run.vocab_size = tokenizer->vocab_size();
  const int64_t length = m.value("context_length", network->context_length());
  if (length < 1 || length > network->context_length())
    throw ConfigError(fmt::format("[model] context_length {} must lie in [1, {}], the pretrained model's context",
                                  length, network->context_length()));

  auto encode_all = [&](const std::vector<std::string>& texts) {
    std::vector<std::vector<int64_t>> ids;
    for (const std::string& t : texts) ids.push_back(tokenizer->encode(t));
    return ids;
  };
  const lm::TokenWindows train_windows = lm::pack_windows(encode_all(train), tokenizer->eos_id(), length, "training");
  const lm::TokenWindows val_windows =
      lm::pack_windows(encode_all(validation), tokenizer->eos_id(), length, "held-out");
  run.train_tokens = train_windows.tokens;
  run.validation_tokens = val_windows.tokens;
  tell(fmt::format("data: {} training tokens in {} windows of {}, {} held-out tokens ({} documents) in {}",
                   train_windows.tokens, train_windows.size(), length, val_windows.tokens, validation.size(),
                   val_windows.size()));

  out.length = length;
  out.model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{network}, "language_model");
  models::Sequential& model = *out.model;
  model.build({length});
  model.set_attachment("tokenizer", tokenizer->to_json());
  run.parameters = model.count_params();
  tell(
      fmt::format("model: CausalLM, {} blocks of d_model {}, {} heads ({} key/value), {} positions, {} parameters "
                  "({} trained{})",
                  network->num_layers(), network->d_model(), network->num_heads(), network->num_kv_heads(),
                  network->options().positions, run.parameters, model.count_trainable_params(),
                  network->options().lora_rank > 0 ? ": LoRA adapters" : ""));
  lm::PretrainOptions options = spec.pretrain;
  options.mask_id = tokenizer->vocab_size();
  options.verbose = 0;  // the epochs are told through `say`, so every front door prints them its way
  if (options.epochs == 0) {
    // The initial weights (random, or the pretrained model's): the baseline a fine-tune is compared with.
    lm::PretrainEpoch e;
    e.validation_loss = options.objective == "masked"
                            ? lm::masked_language_model_loss(model, val_windows, options, options.seed + 1)
                            : lm::language_model_loss(model, val_windows, options.batch_size);
    e.validation_perplexity = std::exp(e.validation_loss);
    run.history.push_back(e);
    tell(fmt::format("epochs = 0: no training; held-out loss {:.4f}, perplexity {:.2f}", e.validation_loss,
                     e.validation_perplexity));
  } else {
    run.history = lm::pretrain(model, train_windows, val_windows, options, [&](const lm::PretrainEpoch& e) {
      tell(fmt::format(
          "epoch {}/{}: loss {:.4f}  held-out loss {:.4f}  perplexity {:.2f}  lr {:.2e}  {:.0f} tokens/s  ({:.1f} s){}",
          e.epoch, options.epochs, e.train_loss, e.validation_loss, e.validation_perplexity, e.learning_rate,
          e.tokens_per_second, e.seconds, e.resumed ? fmt::format("  [from {}]", options.checkpoint) : ""));
    });
  }
  return out;
}

PretrainRun run_pretrain(const PretrainSpec& spec, const std::function<void(const std::string&)>& say) {
  auto tell = [&](const std::string& line) {
    if (say) say(line);
  };
  io::prepare_output_file(spec.output_model, "[output] model");
  if (!spec.output_adapters.empty()) io::prepare_output_file(spec.output_adapters, "[output] adapters");
  if (!spec.output_merged.empty()) io::prepare_output_file(spec.output_merged, "[output] merged");
  if (!spec.pretrain.checkpoint.empty()) io::prepare_output_file(spec.pretrain.checkpoint, "[pretrain] checkpoint");
  const TrainedLanguageModel trained = train_language_model(spec, read_documents(spec), say);
  const nn::CausalLM& network = *trained.network;
  io::create_parent_dir(spec.output_model);
  trained.model->save(spec.output_model);
  tell(fmt::format("saved {} (weights, config and tokenizer)", spec.output_model));
  if (!spec.output_adapters.empty()) {
    io::create_parent_dir(spec.output_adapters);
    lm::save_lora_adapters(network, spec.output_adapters);
    tell(fmt::format("saved {} (the LoRA adapters alone)", spec.output_adapters));
  }
  if (!spec.output_merged.empty()) {
    models::Sequential merged({network.merged()}, "language_model");
    merged.build({trained.length});
    merged.set_attachment("tokenizer", trained.tokenizer->to_json());
    io::create_parent_dir(spec.output_merged);
    merged.save(spec.output_merged);
    tell(fmt::format("saved {} (the adapters merged into the weights)", spec.output_merged));
  }
  return trained.run;
}

LanguageModel LanguageModel::load(const std::string& path) {
  LanguageModel m;
  if (lm::is_gpt2_checkpoint(path)) {
    lm::Gpt2Model gpt2 = lm::load_gpt2(path);
    m.network_ = gpt2.network;
    m.tokenizer_ = gpt2.tokenizer;
    return m;
  }
  m.model_ = models::load_model(path);
  const auto layers = m.model_->layers();
  if (layers.empty() || !(m.network_ = std::dynamic_pointer_cast<nn::CausalLM>(layers.back())))
    throw FileError(lm_attachment_error(path, "its last layer is not a CausalLM"));
  const nlohmann::json tok = m.model_->attachment("tokenizer");
  if (tok.is_null()) throw FileError(lm_attachment_error(path, "it carries no tokenizer"));
  try {
    m.tokenizer_ = std::make_shared<text::ByteBpeTokenizer>(text::ByteBpeTokenizer::from_json(tok));
  } catch (const Error& e) {
    throw FileError(lm_attachment_error(path, fmt::format("its tokenizer is damaged: {}", e.what())));
  }
  // A masked-LM encoder has one id past the tokenizer's: its mask token.
  if (m.tokenizer_->vocab_size() > m.network_->vocab_size())
    throw FileError(lm_attachment_error(path, fmt::format("its tokenizer has {} tokens but the model {}",
                                                          m.tokenizer_->vocab_size(), m.network_->vocab_size())));
  return m;
}

void LanguageModel::apply_adapters(const std::string& path) {
  network_ = lm::apply_lora_adapters(*network_, path);
}

void LanguageModel::quantize_int8() {
  if (network_->options().lora_rank > 0) network_ = network_->merged();
  network_->quantize_int8();
}

double LanguageModel::loss_on(const std::vector<std::string>& documents, int64_t window) {
  if (network_->options().attention != "causal")
    throw ValueError(
        "perplexity: a bidirectional (masked-LM) model sees the tokens it would predict; its next-token "
        "perplexity means nothing");
  const int64_t length = window > 0 ? std::min(window, network_->context_length()) : network_->context_length();
  std::vector<std::vector<int64_t>> ids;
  for (const std::string& d : documents) ids.push_back(tokenizer_->encode(d));
  const lm::TokenWindows w = lm::pack_windows(ids, tokenizer_->eos_id(), length, "evaluation");
  models::Sequential model({network_}, "language_model");
  return lm::language_model_loss(model, w);
}

lm::TextGeneration LanguageModel::generate(const std::vector<std::string>& prompts,
                                           const lm::TextGenerateOptions& options, const lm::TextCallback& on_text) {
  return lm::generate_text(*network_, *tokenizer_, prompts, options, on_text);
}

}  // namespace deepfin::tasks
