#include "deepfin/text/readers.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/io/read_file.h"
#include "text/text_encoding.h"

namespace deepfin::text {
namespace {

std::string_view trim(std::string_view s) {
  const auto is_blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 3> kPhrasebankLabels = {"positive", "negative", "neutral"};

}  // namespace

LabelledText read_text_csv(const std::string& path, const std::string& text_column, const std::string& label_column,
                           const std::string& encoding) {
  const detail::Encoding requested = detail::parse_encoding(encoding);
  const std::string bytes = io::read_file(path);
  const bool latin1 = detail::reads_as_latin1(bytes, requested);
  // Nothing counts as missing: the text "NA" is a text, and an empty cell is reported below.
  const data::Table table =
      data::parse_csv(bytes, path, {.missing_values = {}, .encoding = latin1 ? "latin-1" : "utf-8"});
  const int64_t text_index = table.column_index(text_column), label_index = table.column_index(label_column);
  const data::TableColumn &texts = table.columns[static_cast<size_t>(text_index)],
                          &labels = table.columns[static_cast<size_t>(label_index)];
  LabelledText out{.texts = {}, .labels = {}, .lines = table.lines, .source = path};
  out.texts.reserve(table.lines.size());
  out.labels.reserve(table.lines.size());
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    const auto& text = texts.values[static_cast<size_t>(r)];
    const auto& label = labels.values[static_cast<size_t>(r)];
    if (!text || trim(*text).empty()) throw FileError(fmt::format("{}: empty text", table.where(r, text_index)));
    if (!label || trim(*label).empty()) throw FileError(fmt::format("{}: empty label", table.where(r, label_index)));
    out.texts.push_back(*text);
    out.labels.emplace_back(trim(*label));
  }
  if (out.texts.empty()) throw FileError(fmt::format("{}: no texts (the file has a header and no rows)", path));
  return out;
}

LabelledText read_phrasebank(const std::string& path, std::string encoding) {
  const detail::Encoding requested = detail::parse_encoding(encoding);
  const std::string bytes = detail::utf8_text(io::read_file(path), requested, path);
  LabelledText out{.texts = {}, .labels = {}, .lines = {}, .source = path};
  const std::string_view text(bytes);
  int64_t line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = trim(text.substr(start, end - start));
    start = end + 1;
    ++line;
    if (row.empty()) continue;
    const size_t at = row.rfind('@');
    if (at == std::string_view::npos) {
      throw FileError(fmt::format("{}:{}: no '@' separating the sentence from its label", path, line));
    }
    const std::string_view sentence = trim(row.substr(0, at)), label = trim(row.substr(at + 1));
    if (sentence.empty()) throw FileError(fmt::format("{}:{}: empty sentence before '@'", path, line));
    if (std::find(kPhrasebankLabels.begin(), kPhrasebankLabels.end(), label) == kPhrasebankLabels.end()) {
      throw FileError(
          fmt::format("{}:{}: unknown label '{}' (expected positive, negative or neutral)", path, line, label));
    }
    out.texts.emplace_back(sentence);
    out.labels.emplace_back(label);
    out.lines.push_back(line);
  }
  if (out.texts.empty()) throw FileError(fmt::format("{}: no sentences (the file is empty or blank)", path));
  return out;
}

}  // namespace deepfin::text
