#pragma once
// Internal helpers shared by the CSV and ARFF readers: UTF-8 validation, Latin-1 conversion, and turning a byte offset
// into line:column for error messages. Columns count characters (UTF-8 code points), not bytes, so they match what an
// editor shows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace deepfin::data::detail {

// Byte offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid), or npos.
size_t find_invalid_utf8(std::string_view text);

// Every byte as the Unicode code point of the same value, encoded as UTF-8.
std::string latin1_to_utf8(std::string_view text);

// `text` without a leading UTF-8 byte order mark (EF BB BF).
std::string_view skip_utf8_bom(std::string_view text);

// 1-based column, in characters, of byte `offset` on the line that starts at byte `line_start`.
int64_t column_of(std::string_view text, size_t line_start, size_t offset);

struct TextPosition {
  int64_t line = 1;
  int64_t column = 1;
};
// 1-based line and column of byte `offset` (scans from the start: for errors only).
TextPosition position_of(std::string_view text, size_t offset);

}  // namespace deepfin::data::detail
