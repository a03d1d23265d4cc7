#pragma once
// Language-model training data: documents of token ids packed end to end, each
// followed by the end-of-text token, and cut into fixed-length windows. The
// targets are the inputs shifted by one, and windows overlap by one token, so
// every token of the stream but the first is predicted exactly once and no
// padding is spent.
#include <cstdint>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::lm {

struct TokenWindows {
  Tensor inputs;        // (N, length) float32 ids, the CausalLM's input
  Tensor targets;       // (N, length) int64: inputs shifted by one
  int64_t tokens = 0;   // tokens in the packed stream (end-of-text tokens included)
  int64_t dropped = 0;  // tokens at the stream's end that did not fill a window
  int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
};

// ValueError when length < 1, when a document is empty (naming it), or when the stream
// holds fewer than length + 1 tokens (naming both numbers, and `what`: "training", ...).
TokenWindows pack_windows(const std::vector<std::vector<int64_t>>& documents, int64_t end_of_text, int64_t length,
                          const char* what = "training");

// Rows [begin, end) of both tensors.
TokenWindows window_rows(const TokenWindows& windows, int64_t begin, int64_t end);

}  // namespace deepfin::lm
