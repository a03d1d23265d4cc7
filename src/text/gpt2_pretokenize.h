#pragma once
// GPT-2's byte-level conventions (private header): the pre-tokenizer split and the byte-to-unicode
// alphabet in which vocab.json and merges.txt spell tokens.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace deepfin::text::detail {

// Splits `bytes` as GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// does, over code points (\s is Unicode White_Space). Each byte of invalid UTF-8 counts as one "other"
// character (neither letter, number nor space), so the pieces always cover every byte, in order.
std::vector<std::string_view> gpt2_pretokenize(std::string_view bytes);

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68 bytes for
// U+0100 + n in byte order, so every token is a printable string without spaces.
const std::array<int32_t, 256>& gpt2_byte_codepoints();

// `bytes` spelled in that alphabet (UTF-8).
std::string gpt2_bytes_to_unicode(std::string_view bytes);

// The inverse: the bytes a token spelled in the alphabet stands for. False (and `bytes` unspecified)
// if `text` is not valid UTF-8 or holds a character outside the alphabet.
bool gpt2_unicode_to_bytes(std::string_view text, std::string& bytes);

}  // namespace deepfin::text::detail
