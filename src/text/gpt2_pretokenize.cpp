// GPT-2's pre-tokenizer, written out by hand over code points instead of a regex engine: std::regex
// knows no \p{L}, and the hand-written scan also decides what invalid UTF-8 does (each bad byte is
// an "other" character), which a regex engine over code points cannot express.
#include "text/gpt2_pretokenize.h"

#include <utf8proc.h>

#include "text/utf8.h"

namespace deepfin::text::detail {
namespace {

enum class Gpt2Class : uint8_t { letter, number, space, other };

struct Gpt2Char {
  size_t offset;
  uint8_t length;
  Gpt2Class cls;
  char ascii;  // the byte itself for ASCII, else 0 (the contractions and " ?" look at ASCII only)
};

Gpt2Class gpt2_class_of(int32_t codepoint) {
  if (is_space(codepoint)) return Gpt2Class::space;  // Unicode White_Space exactly
  if (is_letter(codepoint)) return Gpt2Class::letter;
  if (is_number(codepoint)) return Gpt2Class::number;
  return Gpt2Class::other;
}

std::vector<Gpt2Char> gpt2_chars(std::string_view bytes) {
  std::vector<Gpt2Char> chars;
  chars.reserve(bytes.size());
  const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
  for (size_t pos = 0; pos < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[pos]);
    if (byte < 0x80) {
      chars.push_back({pos, 1, gpt2_class_of(byte), static_cast<char>(byte)});
      ++pos;
      continue;
    }
    utf8proc_int32_t codepoint = -1;
    const utf8proc_ssize_t n =
        utf8proc_iterate(data + pos, static_cast<utf8proc_ssize_t>(bytes.size() - pos), &codepoint);
    if (n <= 0 || codepoint < 0) {  // one invalid byte: an "other" character of its own
      chars.push_back({pos, 1, Gpt2Class::other, 0});
      ++pos;
    } else {
      chars.push_back({pos, static_cast<uint8_t>(n), gpt2_class_of(codepoint), 0});
      pos += static_cast<size_t>(n);
    }
  }
  return chars;
}

// Length in characters of a contraction ('s 't 're 've 'm 'll 'd) starting at chars[i], or 0.
size_t gpt2_contraction(const std::vector<Gpt2Char>& chars, size_t i) {
  if (chars[i].ascii != '\'' || i + 1 >= chars.size()) return 0;
  const char a = chars[i + 1].ascii;
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= chars.size()) return 0;
  const char b = chars[i + 2].ascii;
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// Length in characters of the piece starting at chars[i]: the first alternative of the pattern that
// matches there.
size_t gpt2_piece_length(const std::vector<Gpt2Char>& chars, size_t i) {
  const size_t n = chars.size();
  if (const size_t k = gpt2_contraction(chars, i)) return k;
  // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional U+0020, then a run of one class.
  const size_t start = chars[i].ascii == ' ' && i + 1 < n && chars[i + 1].cls != Gpt2Class::space ? i + 1 : i;
  const Gpt2Class cls = chars[start].cls;
  if (cls != Gpt2Class::space) {
    size_t j = start + 1;
    while (j < n && chars[j].cls == cls) ++j;
    return j - i;
  }
  // "\s+(?!\S)": the whitespace run, less its last character when a non-space follows (that one
  // then leads the next piece); "\s+" when the run is a single character.
  size_t j = i + 1;
  while (j < n && chars[j].cls == Gpt2Class::space) ++j;
  return j == n || j - i == 1 ? j - i : j - i - 1;
}

std::array<int32_t, 256> gpt2_make_byte_codepoints() {
  std::array<int32_t, 256> table{};
  int32_t next = 256;
  for (int32_t b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    table[static_cast<size_t>(b)] = printable ? b : next++;
  }
  return table;
}

}  // namespace

std::vector<std::string_view> gpt2_pretokenize(std::string_view bytes) {
  const std::vector<Gpt2Char> chars = gpt2_chars(bytes);
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < chars.size();) {
    const size_t end = i + gpt2_piece_length(chars, i);
    const size_t end_offset = end < chars.size() ? chars[end].offset : bytes.size();
    pieces.push_back(bytes.substr(chars[i].offset, end_offset - chars[i].offset));
    i = end;
  }
  return pieces;
}

const std::array<int32_t, 256>& gpt2_byte_codepoints() {
  static const std::array<int32_t, 256> table = gpt2_make_byte_codepoints();
  return table;
}

std::string gpt2_bytes_to_unicode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) append_codepoint(out, gpt2_byte_codepoints()[static_cast<unsigned char>(c)]);
  return out;
}

bool gpt2_unicode_to_bytes(std::string_view text, std::string& bytes) {
  static const std::array<int16_t, 256 + 68> inverse = [] {
    std::array<int16_t, 256 + 68> table;
    table.fill(-1);
    for (size_t b = 0; b < 256; ++b) table[static_cast<size_t>(gpt2_byte_codepoints()[b])] = static_cast<int16_t>(b);
    return table;
  }();
  bytes.clear();
  const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (size_t pos = 0; pos < text.size();) {
    utf8proc_int32_t codepoint = -1;
    const utf8proc_ssize_t n =
        utf8proc_iterate(data + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &codepoint);
    if (n <= 0 || codepoint < 0 || static_cast<size_t>(codepoint) >= inverse.size()) return false;
    const int16_t byte = inverse[static_cast<size_t>(codepoint)];
    if (byte < 0) return false;
    bytes.push_back(static_cast<char>(byte));
    pos += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace deepfin::text::detail
