#pragma once
// Choosing the next token from a row of logits, in the order Hugging Face's
// generate() applies its processors: repetition penalty, temperature, top-k,
// top-p, then a draw (or the arg-max when temperature is 0).
#include <cstdint>
#include <vector>

#include "deepfin/core/random.h"

namespace deepfin::lm {

struct SamplingOptions {
  double temperature = 1.0;         // 0: greedy (arg-max, lowest id on ties)
  int64_t top_k = 0;                // keep the k most likely tokens; 0: all
  double top_p = 1.0;               // keep the smallest set whose probability reaches p (nucleus); 1: all
  double repetition_penalty = 1.0;  // CTRL's: a seen token's logit is divided by it if positive, else multiplied
};

// ValueError naming the option for temperature < 0, top_k < 0, top_p outside (0, 1],
// repetition_penalty <= 0 or a non-finite value.
void check_sampling_options(const SamplingOptions& options);

// The next token for one row: `logits` (vocab) of the last position, `seen` the row's
// tokens so far (prompt and output, for the repetition penalty). Draws from `gen`
// unless greedy.
int64_t sample_next_token(std::vector<float> logits, const std::vector<int64_t>& seen, const SamplingOptions& options,
                          Generator& gen);

}  // namespace deepfin::lm
