#include "text/text_encoding.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/error.h"
#include "text/utf8.h"

namespace deepfin::text::detail {

Encoding parse_encoding(const std::string& name) {
  if (name == "auto") return Encoding::automatic;
  if (name == "utf-8" || name == "utf8" || name == "UTF-8") return Encoding::utf8;
  if (name == "latin-1" || name == "latin1" || name == "iso-8859-1" || name == "ISO-8859-1") return Encoding::latin1;
  throw ValueError(fmt::format("text reader: unknown encoding '{}' (expected auto, utf-8 or latin-1)", name));
}

bool reads_as_latin1(const std::string& bytes, Encoding requested) {
  return requested == Encoding::latin1 || (requested == Encoding::automatic && first_invalid_utf8(bytes) >= 0);
}

std::string utf8_text(std::string bytes, Encoding requested, const std::string& path) {
  const int64_t first_invalid = first_invalid_utf8(bytes);
  if (requested == Encoding::utf8 && first_invalid >= 0) {
    const auto line = 1 + std::count(bytes.begin(), bytes.begin() + first_invalid, '\n');
    const auto line_start = bytes.rfind('\n', static_cast<size_t>(first_invalid));
    const int64_t column = first_invalid - (line_start == std::string::npos ? -1 : static_cast<int64_t>(line_start));
    throw FileError(fmt::format("{}:{}:{}: invalid UTF-8 (byte 0x{:02X}); try encoding \"latin-1\" or \"auto\"", path,
                                line, column, static_cast<unsigned char>(bytes[static_cast<size_t>(first_invalid)])));
  }
  if (requested == Encoding::latin1 || (requested == Encoding::automatic && first_invalid >= 0))
    bytes = latin1_to_utf8(bytes);
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);  // a UTF-8 byte order mark
  return bytes;
}

}  // namespace deepfin::text::detail
