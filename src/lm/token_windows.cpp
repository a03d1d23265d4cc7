#include "deepfin/lm/token_windows.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::lm {

TokenWindows pack_windows(const std::vector<std::vector<int64_t>>& documents, int64_t end_of_text, int64_t length,
                          const char* what) {
  if (length < 1) throw ValueError(fmt::format("pack_windows: window length must be >= 1, got {}", length));
  std::vector<int64_t> stream;
  for (size_t d = 0; d < documents.size(); ++d) {
    if (documents[d].empty()) throw ValueError(fmt::format("pack_windows: {} document {} has no tokens", what, d));
    stream.insert(stream.end(), documents[d].begin(), documents[d].end());
    stream.push_back(end_of_text);
  }
  const int64_t total = static_cast<int64_t>(stream.size());
  if (total < length + 1)
    throw ValueError(
        fmt::format("the {} text has {} tokens, fewer than one window of {} + 1; use more text or a "
                    "shorter context_length",
                    what, total, length));
  const int64_t n = (total - 1) / length;
  std::vector<float> inputs(static_cast<size_t>(n * length));
  std::vector<int64_t> targets(inputs.size());
  for (int64_t w = 0; w < n; ++w)
    for (int64_t i = 0; i < length; ++i) {
      const size_t at = static_cast<size_t>(w * length + i);
      inputs[at] = static_cast<float>(stream[at]);
      targets[at] = stream[at + 1];
    }
  return {from_vector(inputs, {n, length}), from_vector(targets, {n, length}), total, total - 1 - n * length};
}

TokenWindows window_rows(const TokenWindows& w, int64_t begin, int64_t end) {
  return {w.inputs.slice(0, begin, end), w.targets.slice(0, begin, end), w.tokens, w.dropped};
}

}  // namespace deepfin::lm
