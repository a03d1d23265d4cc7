#pragma once
// Pre-tokenization of normalized text into words, punctuation and digits (private header).
#include <string_view>
#include <vector>

namespace deepfin::text::detail {

// A piece of normalized text: a run of letters/marks, or one punctuation/symbol character, or one
// decimal digit. `glued` = no space before it (so it is written with the "##" continuation prefix).
struct Piece {
  std::string_view text;
  bool glued = false;
};

// Splits `normalized` (valid UTF-8, single spaces, as normalize() returns) into pieces viewing it.
std::vector<Piece> pretokenize(std::string_view normalized);

// The continuation prefix of WordPiece.
inline constexpr std::string_view kContinuation = "##";

inline bool is_continuation(std::string_view token) {
  return token.size() > kContinuation.size() && token.substr(0, kContinuation.size()) == kContinuation;
}

}  // namespace deepfin::text::detail
