#pragma once
// Small UTF-8 helpers over utf8proc shared by the text floor (private header).
#include <cstdint>
#include <string>
#include <string_view>

namespace deepfin::text::detail {

// Byte offset of the first invalid UTF-8 sequence in `bytes`, or -1 if all of it is valid.
int64_t first_invalid_utf8(std::string_view bytes);

// Appends the UTF-8 encoding of `codepoint` to `out`.
void append_codepoint(std::string& out, int32_t codepoint);

// Decodes the code point starting at bytes[pos] (which must be valid UTF-8) and returns its length.
int decode_codepoint(std::string_view bytes, size_t pos, int32_t& codepoint);

// ISO-8859-1 bytes as UTF-8 (every byte is the code point of the same value).
std::string latin1_to_utf8(std::string_view bytes);

// Unicode character classes used by normalization and pre-tokenization.
bool is_space(int32_t codepoint);          // Zs, Zl, Zp and the ASCII/C1 whitespace controls
bool is_removable(int32_t codepoint);      // Cc and Cf (control and format characters)
bool is_punctuation(int32_t codepoint);    // P* and S* (so '$', '%', '€', '+' are punctuation)
bool is_decimal_digit(int32_t codepoint);  // Nd
bool is_letter(int32_t codepoint);         // L* (Lu, Ll, Lt, Lm, Lo)
bool is_number(int32_t codepoint);         // N* (Nd, Nl, No)

}  // namespace deepfin::text::detail
