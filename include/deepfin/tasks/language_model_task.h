#pragma once
// The language-model recipe every front door shares: `deepfin pretrain JOB.toml`
// reads texts, trains a byte-level BPE on the training part, packs the documents
// into windows, pretrains a CausalLM and saves model and tokenizer in one file;
// `deepfin generate` loads that file and writes text.
//
// A pretrain job:
//   seed = 42
//   [data]       files = ["a.txt", ...]; format = "lines" (each non-empty line a document) | "csv"
//                (text_column) | "phrasebank" (the sentences); encoding; validation_fraction = 0.1
//                (whole documents, chosen at random, held out for the perplexity)
//   [tokenizer]  vocab_size = 4000, min_frequency = 2
//   [model]      the CausalLM's options (context_length, d_model, num_layers, num_heads, ff_dim,
//                num_kv_heads, positions, norm, mlp, ...); vocab_size comes from the tokenizer.
//                Or pretrained = "lm.safetensors" (a pretrain output or a GPT-2 checkpoint): its
//                architecture and tokenizer are kept; context_length may shorten the windows, and
//                lora_rank / lora_alpha / lora_targets train LoRA adapters on the frozen model
//   [pretrain]   epochs, batch_size, accumulation_steps, learning_rate, final_lr_fraction,
//                warmup_steps, weight_decay, clipnorm, checkpoint
//   [output]     model = "out/lm.safetensors"; with LoRA also adapters = (the adapters alone) and
//                merged = (the model with the adapters merged into its kernels)
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/lm/pretrain.h"
#include "deepfin/lm/text_generation.h"
#include "deepfin/text/byte_bpe.h"

namespace deepfin::tasks {

struct PretrainSpec {
  std::vector<std::string> files;
  std::string format = "lines";
  std::string text_column = "text";
  std::string encoding = "auto";
  double validation_fraction = 0.1;
  int64_t vocab_size = 4000;
  int64_t min_frequency = 2;
  nlohmann::json model;    // the CausalLM config, without vocab_size (or the overrides of a pretrained one)
  std::string pretrained;  // a model to start from; empty: random weights and a new tokenizer
  lm::PretrainOptions pretrain{};
  std::string output_model;
  std::string output_adapters, output_merged;  // LoRA only; empty: not written
  uint64_t seed = 42;
  std::optional<int> threads;
};

// ConfigError naming the file, table and key for an unknown key, a bad value or a missing
// required one ([data] files, [model] context_length ... ff_dim, [output] model).
PretrainSpec parse_pretrain_job(const std::string& toml_text, const std::string& name);

// The documents of the job's files, in file order. FileError for a missing file or bad
// text; ValueError when there are no documents.
std::vector<std::string> read_documents(const PretrainSpec& spec);

struct PretrainRun {
  std::vector<lm::PretrainEpoch> history;
  int64_t documents = 0, validation_documents = 0;
  int64_t train_tokens = 0, validation_tokens = 0;
  int64_t vocab_size = 0;
  int64_t parameters = 0;
  double tokenizer_seconds = 0.0;
};

// Runs the job and writes [output] model (atomically): the weights, the CausalLM config
// and the tokenizer. `say` receives one line per stage.
PretrainRun run_pretrain(const PretrainSpec& spec, const std::function<void(const std::string&)>& say = {});

// A pretrain job for a text job's body ([model] pretrain = FILE in a text job), pretrained
// inside each fit on its training texts alone: [tokenizer], [model] and [pretrain] (and seed).
// ConfigError for [data] (no corpus but the fit's own texts, so no test text is pretrained
// on), [output] (the body is saved in the text model), [model] pretrained, LoRA or a checkpoint.
PretrainSpec parse_body_pretrain_job(const std::string& toml_text, const std::string& name);

// What run_pretrain trains before writing it: the tokenizer (trained on the documents but a
// held-out validation_fraction of them), the CausalLM, the Sequential around it (tokenizer
// attached, as saved) and the windows' length. ValueError for fewer than 2 documents.
struct TrainedLanguageModel {
  std::shared_ptr<nn::CausalLM> network;
  std::shared_ptr<text::ByteBpeTokenizer> tokenizer;
  std::shared_ptr<models::Sequential> model;
  int64_t length = 0;
  PretrainRun run;
};
TrainedLanguageModel train_language_model(const PretrainSpec& spec, std::vector<std::string> documents,
                                          const std::function<void(const std::string&)>& say = {});

// A saved language model with its tokenizer, ready to generate.
class LanguageModel {
 public:
  // A file from `deepfin pretrain`, or a GPT-2-family model.safetensors with its vocab.json
  // and merges.txt beside it (lm/gpt2_checkpoint.h). FileError naming the file when it is
  // neither (no CausalLM, no tokenizer, or one whose size does not match the model).
  static LanguageModel load(const std::string& path);
  nn::CausalLM& network() { return *network_; }
  const std::shared_ptr<nn::CausalLM>& network_ptr() const { return network_; }
  const text::ByteBpeTokenizer& tokenizer() const { return *tokenizer_; }
  const std::shared_ptr<text::ByteBpeTokenizer>& tokenizer_ptr() const { return tokenizer_; }
  // Applies a LoRA adapters file (lm/lora_files.h) to the loaded model.
  void apply_adapters(const std::string& path);
  // Int8 weights for generation (CausalLM::quantize_int8); adapters are merged first.
  void quantize_int8();
  // Mean next-token cross-entropy (nats per token) of `documents` (each followed by the
  // end-of-text token, packed into windows of `window` tokens, 0: the model's context).
  // ValueError when they hold fewer than window + 1 tokens.
  double loss_on(const std::vector<std::string>& documents, int64_t window = 0);
  lm::TextGeneration generate(const std::vector<std::string>& prompts, const lm::TextGenerateOptions& options = {},
                              const lm::TextCallback& on_text = {});

 private:
  std::shared_ptr<models::Model> model_;
  std::shared_ptr<nn::CausalLM> network_;
  std::shared_ptr<text::ByteBpeTokenizer> tokenizer_;
};

}  // namespace deepfin::tasks
