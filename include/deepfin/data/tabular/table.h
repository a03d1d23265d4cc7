#pragma once
// A table of raw text cells as a CSV or ARFF file holds them, before any typing:
// named columns of optional strings (nullopt = missing: empty, "NA", ARFF "?"),
// and for every row the line of the file it came from, so that later stages
// (schema inference, preprocessing, prediction) can name file:line:column in errors.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepfin::data {

// What a file declared about a column's type; CSV declares nothing, ARFF does.
enum class DeclaredType { none, numeric, nominal, string };

struct TableColumn {
  std::string name;
  std::vector<std::optional<std::string>> values{};  // one per row; nullopt = missing
  DeclaredType declared = DeclaredType::none;
  std::vector<std::string> declared_categories{};  // ARFF nominal values, in declared order
};

struct Table {
  std::string source;                // file path (or a name for in-memory text), for messages
  std::vector<TableColumn> columns;  // in file order; names are unique
  std::vector<int64_t> lines;        // lines[r]: 1-based line number of row r in `source`

  int64_t num_rows() const { return static_cast<int64_t>(lines.size()); }
  int64_t num_columns() const { return static_cast<int64_t>(columns.size()); }
  // Index of the column called `name`, or -1.
  int64_t find_column(const std::string& name) const;
  // Like find_column, but a NotFoundError naming the source, the column and the columns there are.
  int64_t column_index(const std::string& name) const;
  const TableColumn& column(const std::string& name) const { return columns[column_index(name)]; }
  // The rows at `rows` (any order, repeats allowed), keeping their line numbers.
  Table select_rows(const std::vector<int64_t>& rows) const;
  // "source:line" of row r, for messages; with a column, "source:line: column 'name'".
  std::string where(int64_t row) const;
  std::string where(int64_t row, int64_t column) const;
};

}  // namespace deepfin::data
