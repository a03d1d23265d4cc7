#include "deepfin/text/normalizer.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "deepfin/base/error.h"
#include "text/utf8.h"

namespace deepfin::text {
namespace {

// NFC, case folding and accent stripping in one utf8proc pass over valid UTF-8.
std::string map_unicode(std::string_view utf8, const NormalizerOptions& options) {
  int flags = UTF8PROC_STABLE;
  if (options.nfc) flags |= UTF8PROC_COMPOSE;
  if (options.lowercase) flags |= UTF8PROC_CASEFOLD;
  // Marks can only be stripped from decomposed text; recompose afterwards only if NFC was asked for.
  if (options.strip_accents) flags |= UTF8PROC_STRIPMARK | (options.nfc ? 0 : UTF8PROC_DECOMPOSE);
  if (flags == UTF8PROC_STABLE) return std::string(utf8);
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()), static_cast<utf8proc_ssize_t>(utf8.size()),
                   &mapped, static_cast<utf8proc_option_t>(flags));
  const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (n < 0) throw ValueError(fmt::format("normalize: utf8proc failed: {}", utf8proc_errmsg(n)));
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

bool is_ascii_plain(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < 0x20 || byte == 0x7F) return false;
  }
  return true;
}

}  // namespace

std::string normalize(std::string_view utf8, const NormalizerOptions& options) {
  if (const int64_t bad = detail::first_invalid_utf8(utf8); bad >= 0) {
    throw ValueError(fmt::format("normalize: invalid UTF-8 at byte offset {} (byte 0x{:02X})", bad,
                                 static_cast<unsigned char>(utf8[static_cast<size_t>(bad)])));
  }
  std::string mapped;
  if (is_ascii_plain(utf8)) {  // fast path: NFC is the identity and folding is ASCII lowercase
    mapped.assign(utf8);
    if (options.lowercase) {
      for (char& c : mapped) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  } else {
    mapped = map_unicode(utf8, options);
  }
  // Collapse whitespace, drop control/format characters, trim.
  std::string out;
  out.reserve(mapped.size());
  bool pending_space = false;
  for (size_t pos = 0; pos < mapped.size();) {
    int32_t codepoint = 0;
    const int n = detail::decode_codepoint(mapped, pos, codepoint);
    if (detail::is_space(codepoint)) {
      pending_space = !out.empty();
    } else if (!detail::is_removable(codepoint)) {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(mapped, pos, static_cast<size_t>(n));
    }
    pos += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace deepfin::text
