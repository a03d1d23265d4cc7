#include "deepfin/data/tabular/table.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::data {

int64_t Table::find_column(const std::string& name) const {
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c].name == name) return static_cast<int64_t>(c);
  return -1;
}

int64_t Table::column_index(const std::string& name) const {
  const int64_t c = find_column(name);
  if (c >= 0) return c;
  std::string known;
  for (const TableColumn& col : columns) known += (known.empty() ? "" : ", ") + col.name;
  throw NotFoundError(fmt::format("{}: no column '{}'; the columns are: {}", source, name, known));
}

Table Table::select_rows(const std::vector<int64_t>& rows) const {
  Table out;
  out.source = source;
  out.lines.reserve(rows.size());
  for (int64_t r : rows) {
    if (r < 0 || r >= num_rows())
      throw IndexError(fmt::format("{}: row {} out of range [0, {})", source, r, num_rows()));
    out.lines.push_back(lines[r]);
  }
  out.columns.reserve(columns.size());
  for (const TableColumn& col : columns) {
    TableColumn picked{
        .name = col.name, .values = {}, .declared = col.declared, .declared_categories = col.declared_categories};
    picked.values.reserve(rows.size());
    for (int64_t r : rows) picked.values.push_back(col.values[r]);
    out.columns.push_back(std::move(picked));
  }
  return out;
}

std::string Table::where(int64_t row) const {
  if (row < 0 || row >= num_rows()) return source;
  return fmt::format("{}:{}", source, lines[row]);
}

std::string Table::where(int64_t row, int64_t column) const {
  if (column < 0 || column >= num_columns()) return where(row);
  return fmt::format("{}: column '{}'", where(row), columns[column].name);
}

}  // namespace deepfin::data
