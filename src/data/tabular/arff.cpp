#include "deepfin/data/tabular/arff.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "data/tabular/text_input.h"
#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"

namespace deepfin::data {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_number(std::string_view s) {
  if (s.starts_with('+')) s.remove_prefix(1);  // from_chars takes no leading '+', Weka writes none but accepts it
  if (s.empty()) return false;
  double v;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec != std::errc::invalid_argument && end == s.data() + s.size();  // 1e999 is still a number
}

struct Token {
  std::string text;
  bool quoted = false;
  size_t offset = 0;  // where the value starts in the text, for messages
};

// Reads the file line by line: declarations until @data, then one row per line
// (ARFF values never span lines). Outside quotes, '%' starts a comment.
class ArffParser {
 public:
  ArffParser(std::string_view text, const std::string& source) : text_(text), source_(source) {
    table_.source = source;
  }

  Table parse() {
    bool in_data = false;
    size_t next = 0;
    while (next < text_.size()) {
      const size_t newline = text_.find('\n', next);
      line_begin_ = next;
      line_end_ = newline == std::string_view::npos ? text_.size() : newline;
      next = newline == std::string_view::npos ? text_.size() : newline + 1;
      if (line_end_ > line_begin_ && text_[line_end_ - 1] == '\r') --line_end_;
      ++line_;
      pos_ = line_begin_;
      skip_spaces();
      if (at_line_end()) continue;  // blank or comment
      if (in_data)
        read_row();
      else
        in_data = read_declaration();
    }
    if (!in_data)
      throw FileError(
          fmt::format("{}:{}: no @data section (an ARFF file declares its attributes, then '@data', "
                      "then the rows)",
                      source_, std::max<int64_t>(line_, 1)));
    return std::move(table_);
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& what) const {
    throw FileError(fmt::format("{}:{}:{}: {}", source_, line_, detail::column_of(text_, line_begin_, offset), what));
  }

  static bool is_space(char c) { return c == ' ' || c == '\t'; }
  bool at_line_end() const { return pos_ >= line_end_ || text_[pos_] == '%'; }
  char peek() const { return pos_ < line_end_ ? text_[pos_] : '\0'; }
  void skip_spaces() {
    while (pos_ < line_end_ && is_space(text_[pos_])) ++pos_;
  }
  void expect_line_end() {
    skip_spaces();
    if (!at_line_end()) fail(pos_, fmt::format("unexpected text '{}'", text_.substr(pos_, line_end_ - pos_)));
  }
  // An unquoted word: up to whitespace or any of `stops`.
  std::string_view read_word(std::string_view stops = "") {
    const size_t begin = pos_;
    while (pos_ < line_end_ && !is_space(text_[pos_]) && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

  // A value quoted with ' or " (backslash escapes as Weka writes them), ending on this line.
  Token read_quoted() {
    const char quote = text_[pos_];
    Token token{.text = {}, .quoted = true, .offset = pos_};
    ++pos_;
    while (pos_ < line_end_) {
      const char c = text_[pos_++];
      if (c == quote) return token;
      if (c == '\\' && pos_ < line_end_) {
        const char e = text_[pos_++];
        token.text += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      } else {
        token.text += c;
      }
    }
    fail(token.offset, "unterminated quoted value: the quote opened here is not closed on this line");
  }

  // A quoted value, or unquoted text up to a comma, one of `stops`, a comment or the line end (trimmed).
  Token read_value(std::string_view stops) {
    skip_spaces();
    if (peek() == '\'' || peek() == '"') {
      Token token = read_quoted();
      skip_spaces();
      if (!at_line_end() && peek() != ',' && stops.find(peek()) == std::string_view::npos)
        fail(pos_, "unexpected text after the closing quote (expected ',')");
      return token;
    }
    Token token{.text = {}, .quoted = false, .offset = pos_};
    size_t end = pos_;
    while (end < line_end_ && text_[end] != ',' && text_[end] != '%' &&
           stops.find(text_[end]) == std::string_view::npos)
      ++end;
    pos_ = end;
    while (end > token.offset && is_space(text_[end - 1])) --end;
    token.text = text_.substr(token.offset, end - token.offset);
    return token;
  }

  // One header line; true when it was @data.
  bool read_declaration() {
    const size_t at = pos_;
    if (peek() != '@') fail(at, fmt::format("expected @relation, @attribute or @data, found '{}'", read_word()));
    const std::string keyword = lowercase(read_word());
    if (keyword == "@relation") {
      skip_spaces();
      if (at_line_end()) fail(pos_, "@relation needs a name");
      return false;
    }
    if (keyword == "@attribute") {
      read_attribute();
      return false;
    }
    if (keyword == "@data") {
      if (table_.columns.empty()) fail(at, "@data before any @attribute");
      expect_line_end();
      return true;
    }
    fail(at, fmt::format("unknown declaration '{}' (expected @relation, @attribute or @data)", keyword));
  }

  void read_attribute() {
    skip_spaces();
    const size_t name_at = pos_;
    if (at_line_end()) fail(name_at, "@attribute needs a name and a type");
    const std::string name = peek() == '\'' || peek() == '"' ? read_quoted().text : std::string(read_word("{"));
    if (const auto [it, fresh] = declared_on_.emplace(name, line_); !fresh)
      fail(name_at, fmt::format("duplicate attribute name '{}' (first declared on line {})", name, it->second));
    skip_spaces();
    const size_t type_at = pos_;
    if (at_line_end()) fail(type_at, fmt::format("attribute '{}' has no type", name));
    TableColumn column;
    column.name = name;
    if (peek() == '{') {
      column.declared = DeclaredType::nominal;
      column.declared_categories = read_nominal_list();
    } else {
      const std::string type = lowercase(read_word());
      if (type == "numeric" || type == "real" || type == "integer") {
        column.declared = DeclaredType::numeric;
      } else if (type == "string") {
        column.declared = DeclaredType::string;
      } else if (type == "date") {
        column.declared = DeclaredType::string;  // kept as text; the optional date format is not needed for that
        pos_ = line_end_;
      } else if (type == "relational") {
        fail(type_at, fmt::format("attribute '{}': relational attributes are not supported", name));
      } else {
        fail(type_at, fmt::format("unknown type '{}' for attribute '{}' (expected numeric, real, integer, string, "
                                  "date or {{value, ...}})",
                                  type, name));
      }
    }
    expect_line_end();
    table_.columns.push_back(std::move(column));
  }

  // The categories of `{a, b, 'c d'}`, with pos_ at the '{'.
  std::vector<std::string> read_nominal_list() {
    const size_t open = pos_++;
    std::vector<std::string> categories;
    skip_spaces();
    if (peek() == '}') {
      ++pos_;
      return categories;
    }
    for (;;) {
      Token token = read_value("}");
      if (token.text.empty() && !token.quoted) fail(token.offset, "empty nominal value in the list");
      categories.push_back(std::move(token.text));
      if (at_line_end()) fail(open, "the list of nominal values opened here is not closed with '}'");
      if (text_[pos_++] == '}') return categories;
    }
  }

  void read_row() {
    if (peek() == '{') fail(pos_, "sparse ARFF rows ({index value, ...}) are not supported; write dense rows");
    tokens_.clear();
    for (;;) {
      tokens_.push_back(read_value(""));
      if (at_line_end()) break;
      ++pos_;  // the comma
    }
    const size_t expected = table_.columns.size();
    if (tokens_.size() != expected)
      fail(tokens_.size() > expected ? tokens_[expected].offset : pos_,
           fmt::format("row has {} values, the header declares {} attributes", tokens_.size(), expected));
    for (size_t c = 0; c < expected; ++c) store(table_.columns[c], tokens_[c]);
    table_.lines.push_back(line_);
  }

  void store(TableColumn& column, Token& token) {
    if (!token.quoted && token.text == "?") {
      column.values.emplace_back(std::nullopt);
      return;
    }
    if (!token.quoted && token.text.empty())
      fail(token.offset, fmt::format("empty value for attribute '{}' (write ? for a missing value)", column.name));
    if (column.declared == DeclaredType::nominal &&
        std::find(column.declared_categories.begin(), column.declared_categories.end(), token.text) ==
            column.declared_categories.end())
      fail(token.offset, fmt::format("value '{}' of attribute '{}' is not one of its declared values {{{}}}",
                                     token.text, column.name, fmt::join(column.declared_categories, ", ")));
    if (column.declared == DeclaredType::numeric && !is_number(token.text))
      fail(token.offset, fmt::format("value '{}' of numeric attribute '{}' is not a number", token.text, column.name));
    column.values.emplace_back(std::move(token.text));
  }

  std::string_view text_;
  const std::string& source_;
  Table table_;
  std::unordered_map<std::string, int64_t> declared_on_;  // attribute name -> its line
  std::vector<Token> tokens_;                             // the current row's values
  size_t line_begin_ = 0, line_end_ = 0, pos_ = 0;
  int64_t line_ = 0;
};

}  // namespace

Table parse_arff(std::string_view text, const std::string& source_name) {
  const std::string_view body = detail::skip_utf8_bom(text);
  const size_t bad = detail::find_invalid_utf8(body);
  if (bad != std::string_view::npos) {
    const detail::TextPosition at = detail::position_of(body, bad);
    throw FileError(fmt::format(
        "{}:{}:{}: invalid UTF-8 (byte 0x{:02X} at byte offset {}); ARFF files are read as "
        "UTF-8, convert it first (e.g. iconv -f latin1 -t utf-8)",
        source_name, at.line, at.column, static_cast<unsigned char>(body[bad]), bad + (text.size() - body.size())));
  }
  return ArffParser(body, source_name).parse();
}

Table read_arff(const std::string& path) {
  return parse_arff(io::read_file(path), path);
}

}  // namespace deepfin::data
