#pragma once
// JSON text from outside the process (a model file's metadata, a tokenizer, a
// request body), parsed with a nesting limit. nlohmann's parser itself is
// iterative, but copying, printing and walking a value recurse once per level, so
// a value nested 10^6 deep would overflow the stack later, far from the input.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace deepfin::io {

// Deeper than any config deepfin writes (a Sequential in a Bidirectional is ~10).
inline constexpr int kMaxJsonDepth = 256;

// FileError naming `where` for invalid JSON or nesting deeper than max_depth.
nlohmann::json parse_json_text(std::string_view text, const std::string& where, int max_depth = kMaxJsonDepth);

}  // namespace deepfin::io
