#include "task_support.h"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <set>

#include "json_bridge.h"
#include "python_callback.h"

namespace py = pybind11;

namespace deepfin::python {

data::Table table_from_columns(const std::string& source, const std::vector<std::string>& names,
                               const std::vector<std::vector<std::optional<std::string>>>& columns) {
  if (names.size() != columns.size())
    throw py::value_error(fmt::format("{}: {} column names for {} columns", source, names.size(), columns.size()));
  if (names.empty()) throw py::value_error(fmt::format("{}: the table has no columns", source));
  data::Table table;
  table.source = source;
  std::set<std::string> seen;
  const size_t rows = columns.front().size();
  for (size_t c = 0; c < names.size(); ++c) {
    if (!seen.insert(names[c]).second)
      throw py::value_error(fmt::format("{}: the column name '{}' appears twice", source, names[c]));
    if (columns[c].size() != rows)
      throw py::value_error(fmt::format("{}: column '{}' has {} values, column '{}' has {}", source, names[c],
                                        columns[c].size(), names.front(), rows));
    table.columns.push_back({.name = names[c], .values = columns[c]});
  }
  for (size_t r = 0; r < rows; ++r) table.lines.push_back(static_cast<int64_t>(r) + 2);
  return table;
}

py::dict history_dict(const train::History& history) {
  py::dict out;
  for (const auto& [key, values] : history.history) out[py::str(key)] = py::cast(values);
  return out;
}

tasks::Progress python_progress(py::object callback) {
  if (callback.is_none()) return {};
  auto holder = held_under_gil(std::move(callback));
  return [holder](const std::string& text, const nlohmann::json& event) {
    py::gil_scoped_acquire gil;
    (*holder)(text, from_json(event));
  };
}

}  // namespace deepfin::python
