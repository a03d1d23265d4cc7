#pragma once
// Generation with text in and out: prompts are encoded with the model's byte-level
// BPE, new tokens are decoded as they come, and a row ends at a stop string (the
// stop string itself is not part of the text). Streaming holds back the bytes
// that could still turn out to start a stop string, or that end inside a UTF-8
// character, so what is streamed is exactly the final text.
#include <functional>
#include <string>
#include <vector>

#include "deepfin/lm/generate.h"
#include "deepfin/text/byte_bpe.h"

namespace deepfin::lm {

struct TextGenerateOptions {
  GenerateOptions tokens{};                 // max_new_tokens, sampling, seed, ... (stop_tokens: see stop_at_eos)
  std::vector<std::string> stop_strings{};  // a row ends before the first of these in its output
  bool stop_at_eos = true;                  // the tokenizer's end-of-text token ends a row (and is not shown)
};

struct TextGeneration {
  std::vector<std::string> texts;  // the new text of each row
  Generation tokens;               // ids, finish reasons and timings
};

// Called with (row, piece) as text becomes final; the pieces of a row concatenate to its text.
using TextCallback = std::function<void(int64_t row, const std::string& piece)>;

// ValueError as generate() does, plus an empty stop string. Prompts may be any bytes.
TextGeneration generate_text(nn::CausalLM& model, const text::ByteBpeTokenizer& tokenizer,
                             const std::vector<std::string>& prompts, const TextGenerateOptions& options = {},
                             const TextCallback& on_text = {});

}  // namespace deepfin::lm
