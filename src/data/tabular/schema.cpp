#include "deepfin/data/tabular/schema.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::data {

std::string to_string(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::numeric:
      return "numeric";
    case ColumnKind::categorical:
      return "categorical";
    case ColumnKind::boolean:
      return "boolean";
  }
  return "unknown";
}

ColumnKind column_kind_from_string(const std::string& name) {
  for (ColumnKind kind : {ColumnKind::numeric, ColumnKind::categorical, ColumnKind::boolean})
    if (name == to_string(kind)) return kind;
  throw ConfigError(fmt::format("unknown column kind '{}'; expected numeric, categorical or boolean", name));
}

std::optional<double> parse_finite_number(std::string_view text) {
  // from_chars rejects '+', but "+5" is an ordinary way to write a number.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::pair<std::string, std::string>> known_boolean_pair(std::string_view value) {
  static const std::array<std::pair<const char*, const char*>, 5> kPairs = {
      {{"false", "true"}, {"no", "yes"}, {"n", "y"}, {"f", "t"}, {"0", "1"}}};
  const std::string lower = to_lower(value);
  for (const auto& [no, yes] : kPairs)
    if (lower == no || lower == yes) return std::pair<std::string, std::string>(no, yes);
  return std::nullopt;
}

namespace {

// True if every non-missing value belongs to one and the same known pair (and there is at least one).
bool is_boolean_column(const TableColumn& column) {
  std::optional<std::pair<std::string, std::string>> pair;
  for (const std::optional<std::string>& cell : column.values) {
    if (!cell) continue;
    const auto this_pair = known_boolean_pair(*cell);
    if (!this_pair || (pair && *pair != *this_pair)) return false;
    pair = this_pair;
  }
  return pair.has_value();
}

bool is_numeric_column(const TableColumn& column) {
  for (const std::optional<std::string>& cell : column.values)
    if (cell && !parse_finite_number(*cell)) return false;
  return true;
}

}  // namespace

ColumnKind infer_column_kind(const TableColumn& column) {
  if (column.declared == DeclaredType::numeric) return ColumnKind::numeric;
  if (column.declared == DeclaredType::nominal) return ColumnKind::categorical;
  // Boolean first: a 0/1 column is a flag, not a quantity to standardize.
  if (is_boolean_column(column)) return ColumnKind::boolean;
  if (is_numeric_column(column)) return ColumnKind::numeric;
  return ColumnKind::categorical;
}

}  // namespace deepfin::data
