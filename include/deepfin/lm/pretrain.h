#pragma once
// Causal-LM pretraining of a Sequential whose last layer is a CausalLM, as
// practised for GPT-style models: AdamW, a linear warmup then a cosine decay of
// the learning rate, a clip of the global gradient norm, and gradient
// accumulation (a step of batch_size x accumulation_steps windows with the
// memory of one batch). Each epoch ends with the loss and perplexity on the
// held-out windows and, if asked, a checkpoint: the model file with the AdamW
// state and a "pretrain_state" attachment (the epoch, the random streams, the
// history), written atomically, so that a crash leaves the last finished epoch;
// a run with `resume` goes on from it and ends with the weights an unbroken run has.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "deepfin/lm/token_windows.h"
#include "deepfin/models/sequential.h"

namespace deepfin::lm {

struct PretrainOptions {
  int epochs = 1;
  int64_t batch_size = 16;
  int64_t accumulation_steps = 1;
  double learning_rate = 1e-3;     // the peak, reached at the end of the warmup
  double final_lr_fraction = 0.1;  // the cosine ends at learning_rate x this
  int64_t warmup_steps = -1;       // optimizer steps; -1: 5 % of all steps (at least 1)
  double weight_decay = 0.1;
  double clipnorm = 1.0;     // global gradient norm; 0: no clipping
  uint64_t seed = 42;        // window order
  std::string checkpoint{};  // a model file rewritten after every epoch; empty: none
  // Start from `checkpoint` when it exists: weights, optimizer state, epoch and random streams.
  // It must come from a run with the same options, data, model and tokenizer (ValueError naming
  // what differs); a missing checkpoint starts afresh.
  bool resume = false;
  int verbose = 1;  // 0 silent, 1 a line per epoch
  // "causal" (next-token prediction, a decoder) or "masked" (BERT's masked LM, an encoder with
  // attention = "bidirectional"): mask_rate of the tokens are chosen; a chosen token becomes
  // mask_id (80 %), a random token below mask_id (10 %) or stays (10 %), and the loss is the
  // cross-entropy of the chosen tokens alone.
  std::string objective = "causal";
  double mask_rate = 0.15;
  int64_t mask_id = -1;  // masked: the id of the mask token (the tokenizer's size: one past its last id)
};

struct PretrainEpoch {
  int epoch = 0;                 // 1-based
  double train_loss = 0.0;       // mean cross-entropy (nats per token) over the epoch
  double validation_loss = 0.0;  // on the held-out windows
  double validation_perplexity = 0.0;
  double learning_rate = 0.0;  // at the epoch's end
  int64_t steps = 0;           // optimizer steps so far
  double seconds = 0.0;
  double tokens_per_second = 0.0;  // training tokens / second over the epoch
  bool resumed = false;            // read back from the checkpoint, not trained by this run
};

// ValueError naming the option for epochs, batch_size or accumulation_steps < 1, a learning
// rate or weight decay out of range, no training windows, or a model whose last layer is not
// a CausalLM. `on_epoch` sees each epoch as it ends (after a resume, first those read back).
std::vector<PretrainEpoch> pretrain(models::Sequential& model, const TokenWindows& train,
                                    const TokenWindows& validation, const PretrainOptions& options,
                                    const std::function<void(const PretrainEpoch&)>& on_epoch = {});

// Mean next-token cross-entropy (nats per token) of the model on the windows, in batches.
double language_model_loss(models::Sequential& model, const TokenWindows& windows, int64_t batch_size = 16);
// The masked objective's cross-entropy on the windows, with one fixed corruption (seeded by `seed`).
double masked_language_model_loss(models::Sequential& model, const TokenWindows& windows,
                                  const PretrainOptions& options, uint64_t seed);

}  // namespace deepfin::lm
