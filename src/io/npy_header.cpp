#include "io/npy_header.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::io::detail {
namespace {

constexpr unsigned char kMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

// A tiny parser for the subset of Python literals numpy writes in the header.
class DictParser {
 public:
  DictParser(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  NpyHeader parse() {
    NpyHeader h;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() == '[') fail("unsupported dtype: structured arrays (a list 'descr') are not supported");
        h.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        h.shape = parse_shape();
        have_shape = true;
      } else {
        fail(fmt::format("unexpected key '{}'", key));
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;
    if (!have_descr || !have_order || !have_shape) fail("missing one of the keys 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FileError(fmt::format("{}: bad .npy header ({}) at character {} of \"{}\"", where_, what, pos_, s_));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }
  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  bool parse_bool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  Shape parse_shape() {
    expect('(');
    Shape shape;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a non-negative dimension");
      int64_t d = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (d > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("dimension too large");
        d = d * 10 + (s_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs
      shape.push_back(d);
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        fail("expected ',' or ')' in the shape");
    }
    ++pos_;
    return shape;
  }

  std::string_view s_;
  const std::string& where_;
  size_t pos_ = 0;
};

void parse_descr(NpyHeader& h, const std::string& where) {
  const std::string& d = h.descr;
  auto unsupported = [&]() -> FileError {
    return FileError(
        fmt::format("{}: unsupported dtype '{}' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)", where, d));
  };
  if (d.size() < 2) throw unsupported();
  size_t i = 0;
  h.byte_order = '|';
  if (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=') {
    h.byte_order = d[0] == '=' ? '<' : d[0];  // '=' is native, and this host is little-endian
    i = 1;
  }
  h.kind = d[i];
  const std::string size = d.substr(i + 1);
  if (size != "1" && size != "2" && size != "4" && size != "8") throw unsupported();
  h.item_size = static_cast<size_t>(size[0] - '0');
  const bool ok =
      (h.kind == 'f' && h.item_size >= 2) || h.kind == 'i' || h.kind == 'u' || (h.kind == 'b' && h.item_size == 1);
  if (!ok) throw unsupported();
}

}  // namespace

NpyHeader parse_npy_header(const unsigned char* data, size_t size, const std::string& where) {
  ByteReader r(data, size, where);
  if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0)
    throw FileError(fmt::format("{}: not a .npy file (bad magic; expected \\x93NUMPY)", where));
  r.take(sizeof kMagic, "magic");
  const uint8_t major = r.u8("version");
  const uint8_t minor = r.u8("version");
  size_t header_len;
  if (major == 1)
    header_len = r.u16le("header length");
  else if (major == 2 || major == 3)
    header_len = r.u32le("header length");
  else
    throw FileError(fmt::format("{}: unsupported .npy format version {}.{}", where, major, minor));
  const unsigned char* text = r.take(header_len, "header");
  DictParser parser(std::string_view(reinterpret_cast<const char*>(text), header_len), where);
  NpyHeader h = parser.parse();
  parse_descr(h, where);
  h.data_offset = r.pos();
  return h;
}

}  // namespace deepfin::io::detail
