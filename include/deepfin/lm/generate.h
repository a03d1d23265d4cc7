#pragma once
// Autoregressive generation from a CausalLM, at the level of token ids: prompts
// in, new tokens out. The prompt is read in one pass (prefill); each further
// token is one cached step over the batch. Rows of a batch may have prompts of
// different lengths: they are left-padded, and the model masks the pads.
// Text in and out (tokenizer, stop strings) is lm/text_generation.h.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "deepfin/lm/sampling.h"
#include "deepfin/nn/layers/causal_lm.h"

namespace deepfin::lm {

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  SamplingOptions sampling{};
  std::vector<int64_t> stop_tokens{};  // a row ends after emitting one of these (it is kept in the output)
  uint64_t seed = 0;                   // of the sampling draws; a fixed seed repeats the output
  bool use_cache = true;               // false: recompute the whole sequence every step (the slow reference)
  int64_t vocab_limit = 0;  // > 0: only ids below it are chosen (a tokenizer smaller than a padded embedding)
};

enum class FinishReason { stop_token, max_tokens, context_full, callback };
const char* finish_reason_name(FinishReason reason);

struct Generation {
  std::vector<std::vector<int64_t>> tokens;  // new tokens per row
  std::vector<FinishReason> finish;          // per row
  int64_t generated = 0;                     // new tokens over all rows
  int64_t decoded = 0;                       // of them, those that took a cached step (all but each row's first)
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;  // after the prefill
  // decoded / decode_seconds: tokens per second of the cached steps over the batch (0 when none ran).
  double tokens_per_second() const;
};

// Called with (row, token) as each token is chosen, in order; returning false ends that row.
using TokenCallback = std::function<bool(int64_t row, int64_t token)>;

// ValueError for no prompts, an empty prompt (naming its row), a prompt that already fills
// the context (naming its length and the context), max_new_tokens < 1, bad sampling options,
// or a token id outside the vocabulary. A row that reaches the context stops ("context_full").
Generation generate(nn::CausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                    const GenerateOptions& options = {}, const TokenCallback& on_token = {});

}  // namespace deepfin::lm
