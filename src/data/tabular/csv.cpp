#include "deepfin/data/tabular/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "data/tabular/text_input.h"
#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"

namespace deepfin::data {
namespace {

bool is_latin1(const std::string& encoding) {
  std::string e = encoding;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  if (e == "latin-1" || e == "latin1" || e == "iso-8859-1" || e == "iso8859-1") return true;
  if (e == "utf-8" || e == "utf8") return false;
  throw ValueError(fmt::format("CsvOptions: unknown encoding '{}'; use \"utf-8\" or \"latin-1\"", encoding));
}

void check_options(const CsvOptions& o) {
  auto is_line_break = [](char c) { return c == '\n' || c == '\r'; };
  if (o.delimiter == o.quote)
    throw ValueError(fmt::format("CsvOptions: the delimiter and the quote are both '{}'", o.delimiter));
  if (is_line_break(o.delimiter) || is_line_break(o.quote))
    throw ValueError("CsvOptions: the delimiter and the quote cannot be line breaks");
}

// One pass over the text. Fields are byte ranges into the text; only a quoted
// field with doubled quotes needs a copy (kept in a per-column scratch string
// reused across rows), so most cells cost one string construction.
class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& source, const CsvOptions& options)
      : text_(text), source_(source), options_(options) {}

  Table parse() {
    Table table;
    table.source = source_;
    if (!read_record())
      throw FileError(fmt::format("{}:1:1: no header: the file is empty or has only blank lines", source_));
    take_header(table);
    const size_t expected_rows = static_cast<size_t>(std::count(text_.begin() + pos_, text_.end(), '\n')) + 1;
    table.lines.reserve(expected_rows);
    for (TableColumn& column : table.columns) column.values.reserve(expected_rows);
    while (read_record()) take_row(table);
    return table;
  }

 private:
  struct Field {
    size_t begin = 0, end = 0;  // the value's bytes in text_ (quotes excluded)
    size_t start = 0;           // where the field starts, for messages
    bool quoted = false;
    bool unescaped = false;  // the value is in scratch_[field index], not text_
  };

  bool is_space(char c) const { return (c == ' ' || c == '\t') && c != options_.delimiter; }
  bool at_line_end(size_t p) const {
    return p >= text_.size() || text_[p] == '\n' || (text_[p] == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n');
  }
  void skip_spaces() {
    if (!options_.trim_whitespace) return;
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  // Consumes "\n" or "\r\n" at pos_ (nothing at the end of the text).
  void skip_line_end() {
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
  }

  [[noreturn]] void fail(size_t offset, const std::string& what) const {
    const detail::TextPosition at = detail::position_of(text_, offset);
    throw FileError(fmt::format("{}:{}:{}: {}", source_, at.line, at.column, what));
  }

  // Reads the next non-blank record into fields_; false at the end of the text.
  bool read_record() {
    for (;;) {
      if (pos_ >= text_.size()) return false;
      size_t p = pos_;
      if (options_.trim_whitespace)
        while (p < text_.size() && is_space(text_[p])) ++p;
      if (p >= text_.size()) return false;
      if (!at_line_end(p)) break;
      pos_ = p;
      skip_line_end();  // a blank line
    }
    record_line_ = line_;
    num_fields_ = 0;
    for (;;) {
      read_field();
      if (pos_ < text_.size() && text_[pos_] == options_.delimiter) {
        ++pos_;
        continue;
      }
      record_end_ = pos_;
      skip_line_end();
      return true;
    }
  }

  Field& next_field() {
    if (num_fields_ == fields_.size()) {
      fields_.emplace_back();
      scratch_.emplace_back();
    }
    Field& f = fields_[num_fields_++];
    f = Field{};
    return f;
  }

  void read_field() {
    const size_t start = pos_;
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == options_.quote) return read_quoted_field(start);
    Field& f = next_field();
    f.start = start;
    f.begin = pos_;
    const char delimiter = options_.delimiter;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == delimiter || c == '\n' || (c == '\r' && at_line_end(pos_))) break;
      ++pos_;
    }
    f.end = pos_;
    if (options_.trim_whitespace)
      while (f.end > f.begin && is_space(text_[f.end - 1])) --f.end;
  }

  void read_quoted_field(size_t start) {
    const size_t open = pos_;
    const size_t index = num_fields_;
    Field& f = next_field();
    f.start = start;
    f.quoted = true;
    f.begin = open + 1;
    size_t segment = open + 1;  // start of the text not yet copied to scratch
    pos_ = open + 1;
    for (;;) {
      const void* found = std::memchr(text_.data() + pos_, options_.quote, text_.size() - pos_);
      if (!found) {
        const detail::TextPosition at = detail::position_of(text_, open);
        fail(open, fmt::format("unterminated quoted field: the quote opened on line {}, column {} is never closed",
                               at.line, at.column));
      }
      const size_t close = static_cast<size_t>(static_cast<const char*>(found) - text_.data());
      line_ += std::count(text_.begin() + pos_, text_.begin() + close, '\n');
      if (close + 1 < text_.size() && text_[close + 1] == options_.quote) {  // a doubled quote stands for one
        std::string& buf = scratch_[index];
        if (!f.unescaped) buf.clear();
        f.unescaped = true;
        buf.append(text_.substr(segment, close + 1 - segment));
        pos_ = segment = close + 2;
        continue;
      }
      if (f.unescaped) scratch_[index].append(text_.substr(segment, close - segment));
      f.end = close;
      pos_ = close + 1;
      break;
    }
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] != options_.delimiter && !at_line_end(pos_))
      fail(pos_, fmt::format("unexpected text after the closing quote of a quoted field (a quote inside a quoted "
                             "field must be doubled: {0}{0})",
                             options_.quote));
  }

  std::string_view value(size_t index) const {
    const Field& f = fields_[index];
    return f.unescaped ? std::string_view(scratch_[index]) : text_.substr(f.begin, f.end - f.begin);
  }

  bool is_missing(std::string_view v) const {
    for (const std::string& m : options_.missing_values)
      if (v == m) return true;
    return false;
  }

  void take_header(Table& table) {
    std::unordered_map<std::string_view, size_t> seen;
    for (size_t c = 0; c < num_fields_; ++c) {
      const std::string_view name = value(c);
      if (name.empty()) fail(fields_[c].start, fmt::format("header column {} has an empty name", c + 1));
      auto [it, fresh] = seen.emplace(name, c);
      if (!fresh)
        fail(fields_[c].start,
             fmt::format("duplicate column name '{}' in the header (columns {} and {})", name, it->second + 1, c + 1));
      TableColumn& column = table.columns.emplace_back();
      column.name = name;
    }
  }

  void take_row(Table& table) {
    const size_t expected = table.columns.size();
    if (num_fields_ != expected) {
      const size_t offset = num_fields_ > expected ? fields_[expected].start : record_end_;
      std::string what =
          fmt::format("row has {} field{}, the header has {}", num_fields_, num_fields_ == 1 ? "" : "s", expected);
      if (detail::position_of(text_, offset).line != record_line_)
        what += fmt::format(" (the row starts on line {})", record_line_);
      fail(offset, what);
    }
    for (size_t c = 0; c < expected; ++c) {
      const std::string_view v = value(c);
      auto& values = table.columns[c].values;
      if (!fields_[c].quoted && is_missing(v))
        values.emplace_back(std::nullopt);
      else
        values.emplace_back(std::in_place, v);
    }
    table.lines.push_back(record_line_);
  }

  std::string_view text_;
  const std::string& source_;
  const CsvOptions& options_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 1;
  size_t record_end_ = 0;
  std::vector<Field> fields_;         // the current record's fields: first num_fields_ are live
  std::vector<std::string> scratch_;  // unescaped values of quoted fields, by field index
  size_t num_fields_ = 0;
};

}  // namespace

Table parse_csv(std::string_view text, const std::string& source_name, const CsvOptions& options) {
  check_options(options);
  if (is_latin1(options.encoding)) {
    const std::string converted = detail::latin1_to_utf8(text);
    return CsvParser(converted, source_name, options).parse();
  }
  const std::string_view body = detail::skip_utf8_bom(text);
  const size_t bad = detail::find_invalid_utf8(body);
  if (bad != std::string_view::npos) {
    const detail::TextPosition at = detail::position_of(body, bad);
    throw FileError(fmt::format(
        "{}:{}:{}: invalid UTF-8 (byte 0x{:02X} at byte offset {}); if the file is Latin-1, read it with "
        "encoding = \"latin-1\"",
        source_name, at.line, at.column, static_cast<unsigned char>(body[bad]), bad + (text.size() - body.size())));
  }
  return CsvParser(body, source_name, options).parse();
}

Table read_csv(const std::string& path, const CsvOptions& options) {
  check_options(options);
  return parse_csv(io::read_file(path), path, options);
}

}  // namespace deepfin::data
