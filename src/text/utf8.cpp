#include "text/utf8.h"

#include <utf8proc.h>

namespace deepfin::text::detail {

int64_t first_invalid_utf8(std::string_view bytes) {
  const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
  const auto size = static_cast<utf8proc_ssize_t>(bytes.size());
  utf8proc_ssize_t pos = 0;
  while (pos < size) {
    if (data[pos] < 0x80) {  // ASCII fast path
      ++pos;
      continue;
    }
    utf8proc_int32_t codepoint = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(data + pos, size - pos, &codepoint);
    if (n <= 0 || codepoint < 0) return pos;
    pos += n;
  }
  return -1;
}

void append_codepoint(std::string& out, int32_t codepoint) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(codepoint, buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
}

int decode_codepoint(std::string_view bytes, size_t pos, int32_t& codepoint) {
  const auto lead = static_cast<unsigned char>(bytes[pos]);
  if (lead < 0x80) {
    codepoint = lead;
    return 1;
  }
  utf8proc_int32_t value = 0;
  const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(bytes.data()) + pos,
                                              static_cast<utf8proc_ssize_t>(bytes.size() - pos), &value);
  codepoint = value;
  return n > 0 ? static_cast<int>(n) : 1;
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (byte >> 6)));
      out.push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    }
  }
  return out;
}

bool is_space(int32_t codepoint) {
  if (codepoint == ' ' || (codepoint >= '\t' && codepoint <= '\r') || codepoint == 0x85) return true;
  const utf8proc_category_t category = utf8proc_category(codepoint);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL || category == UTF8PROC_CATEGORY_ZP;
}

bool is_removable(int32_t codepoint) {
  const utf8proc_category_t category = utf8proc_category(codepoint);
  return category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF;
}

bool is_punctuation(int32_t codepoint) {
  if (codepoint < 0x80) {
    return (codepoint >= '!' && codepoint <= '/') || (codepoint >= ':' && codepoint <= '@') ||
           (codepoint >= '[' && codepoint <= '`') || (codepoint >= '{' && codepoint <= '~');
  }
  switch (utf8proc_category(codepoint)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
      return true;
    default:
      return false;
  }
}

bool is_decimal_digit(int32_t codepoint) {
  if (codepoint < 0x80) return codepoint >= '0' && codepoint <= '9';
  return utf8proc_category(codepoint) == UTF8PROC_CATEGORY_ND;
}

bool is_letter(int32_t codepoint) {
  switch (utf8proc_category(codepoint)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_number(int32_t codepoint) {
  const auto category = utf8proc_category(codepoint);
  return category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL || category == UTF8PROC_CATEGORY_NO;
}

}  // namespace deepfin::text::detail
