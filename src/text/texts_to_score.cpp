#include "deepfin/text/texts_to_score.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/io/read_file.h"
#include "text/text_encoding.h"

namespace deepfin::text {
namespace {

bool is_csv(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".csv";
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

TextsToScore csv_column(const std::string& path, const std::string& column, detail::Encoding requested) {
  const std::string bytes = io::read_file(path);
  // Nothing counts as missing: the text "NA" is a text; an empty cell is an error below.
  const data::Table table = data::parse_csv(
      bytes, path, {.missing_values = {}, .encoding = detail::reads_as_latin1(bytes, requested) ? "latin-1" : "utf-8"});
  const int64_t index = table.column_index(column);
  const data::TableColumn& cells = table.columns[static_cast<size_t>(index)];
  TextsToScore out{.texts = {}, .lines = table.lines, .source = path};
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    const auto& cell = cells.values[static_cast<size_t>(r)];
    if (!cell || blank(*cell)) throw FileError(fmt::format("{}: empty text", table.where(r, index)));
    out.texts.push_back(*cell);
  }
  return out;
}

TextsToScore lines(const std::string& path, detail::Encoding requested) {
  const std::string text = detail::utf8_text(io::read_file(path), requested, path);
  TextsToScore out{.texts = {}, .lines = {}, .source = path};
  int64_t line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!row.empty() && row.back() == '\r') row.pop_back();
    if (blank(row)) continue;
    out.texts.push_back(std::move(row));
    out.lines.push_back(line);
  }
  return out;
}

}  // namespace

TextsToScore read_texts_to_score(const std::string& path, const std::string& text_column, const std::string& encoding) {
  const detail::Encoding requested = detail::parse_encoding(encoding);
  TextsToScore out = is_csv(path) ? csv_column(path, text_column, requested) : lines(path, requested);
  if (out.texts.empty())
    throw FileError(fmt::format("{}: no texts to score ({})", path,
                                is_csv(path) ? "the file has a header and no rows" : "the file is empty or blank"));
  return out;
}

}  // namespace deepfin::text
