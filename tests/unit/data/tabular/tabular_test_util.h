#pragma once
// Small helpers for tabular tests: Tables written inline (no CSV reader needed)
// and a check that an exception's message names the key facts.
#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/data/tabular/table.h"

namespace deepfin::testing {

inline const std::nullopt_t NA = std::nullopt;

using Cells = std::vector<std::optional<std::string>>;

// A table whose row r came from line r + 2 of `source` (line 1 is the header).
inline data::Table make_table(const std::string& source, std::vector<std::pair<std::string, Cells>> columns) {
  data::Table table;
  table.source = source;
  const size_t rows = columns.empty() ? 0 : columns.front().second.size();
  for (size_t r = 0; r < rows; ++r) table.lines.push_back(static_cast<int64_t>(r) + 2);
  for (auto& [name, cells] : columns) {
    EXPECT_EQ(cells.size(), rows) << "column " << name << " has the wrong number of cells";
    table.columns.push_back({.name = name, .values = std::move(cells), .declared = {}, .declared_categories = {}});
  }
  return table;
}

template <class E, class Fn>
::testing::AssertionResult throws_with(Fn&& fn, std::initializer_list<std::string> needles) {
  try {
    fn();
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const std::string& n : needles)
      if (msg.find(n) == std::string::npos)
        return ::testing::AssertionFailure() << "message \"" << msg << "\" lacks \"" << n << "\"";
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw the wrong type: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

}  // namespace deepfin::testing
