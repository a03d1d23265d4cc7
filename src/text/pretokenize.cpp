#include "text/pretokenize.h"

#include "text/utf8.h"

namespace deepfin::text::detail {

std::vector<Piece> pretokenize(std::string_view normalized) {
  std::vector<Piece> pieces;
  size_t word_start = std::string_view::npos;  // start of the letter run being collected
  bool word_glued = false;
  bool after_space = true;  // the text start behaves like a space: the first piece is not glued
  auto close_word = [&](size_t end) {
    if (word_start != std::string_view::npos)
      pieces.push_back({normalized.substr(word_start, end - word_start), word_glued});
    word_start = std::string_view::npos;
  };
  for (size_t pos = 0; pos < normalized.size();) {
    int32_t codepoint = 0;
    const int n = decode_codepoint(normalized, pos, codepoint);
    if (is_space(codepoint)) {
      close_word(pos);
      after_space = true;
    } else if (is_punctuation(codepoint) || is_decimal_digit(codepoint)) {
      close_word(pos);
      pieces.push_back({normalized.substr(pos, static_cast<size_t>(n)), !after_space});
      after_space = false;
    } else {
      if (word_start == std::string_view::npos) {
        word_start = pos;
        word_glued = !after_space;
      }
      after_space = false;
    }
    pos += static_cast<size_t>(n);
  }
  close_word(normalized.size());
  return pieces;
}

}  // namespace deepfin::text::detail
