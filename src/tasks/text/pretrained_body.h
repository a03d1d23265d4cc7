#pragma once
// Text jobs on a language model's body: pretrained elsewhere ([model] pretrained =
// "out/lm.safetensors"), or pretrained inside each fit on its training texts ([model]
// pretrain = "body.toml"). The job's Sequential begins with a CausalLM layer whose
// architecture, weights and tokenizer come from that body; the job sets the head after
// it and may set the body's dropout, LoRA and trainable.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/models/sequential.h"
#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/text/byte_bpe.h"

namespace deepfin::tasks::detail {

struct PretrainedBody {
  std::shared_ptr<nn::CausalLM> network;
  std::shared_ptr<text::ByteBpeTokenizer> tokenizer;
};

// ConfigError naming the job when the file does not load or max_length passes its context.
PretrainedBody load_pretrained_body(const JobSpec& job, int64_t max_length);

// [model] pretrain = "body.toml": a new byte-level BPE and CausalLM pretrained on `texts`, the
// fit's training texts and nothing else, so cross-validation never pretrains on a test fold.
// `say` gets the pretraining's lines. ConfigError naming the job for a bad or missing file
// (parse_body_pretrain_job), pretrain beside pretrained, or max_length past the context.
PretrainedBody pretrain_body(const JobSpec& job, const std::vector<std::string>& texts, int64_t max_length,
                             const std::function<void(const std::string&)>& say);

// The job's model tree with its first layer (a CausalLM) given the pretrained architecture,
// output "hidden" and the tokenizer's end-of-text as pad_id, and the last Dense's units = classes.
// ConfigError when the first layer is not a CausalLM or sets an architecture key.
nlohmann::json body_model_json(const JobSpec& job, const PretrainedBody& body, int64_t classes);

// Copies the pretrained weights into the model's first layer.
void load_body_weights(models::Sequential& model, const PretrainedBody& body);

// Discriminative learning rates ([model] body_learning_rate, layer_decay; ULMFiT's idea): the
// body's weights step at the compile rate x body_learning_rate, block i of L further x
// layer_decay^(L - 1 - i) and the embeddings x layer_decay^L, so the layers nearest the input
// change least; the head keeps the compile rate. Nothing when both are 1 (the defaults).
// Needs the model compiled and built. ConfigError for a negative value.
void set_discriminative_rates(models::Sequential& model, const JobSpec& job);

}  // namespace deepfin::tasks::detail
