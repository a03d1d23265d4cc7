#pragma once
// Weka ARFF files into a Table of raw text cells: `%` comments, `@relation`,
// `@attribute <name> <type>` (numeric/real/integer -> DeclaredType::numeric,
// {a,b,'c d'} -> nominal with its categories in declared order, string and date
// -> string), then `@data` rows of comma-separated values where `?` is missing.
// Keywords are case-insensitive; names and values may be quoted with ' or ".
// Sparse rows ({index value, ...}) and relational attributes are not supported.
// Malformed input is a FileError "source:line:column: what".
#include <string>
#include <string_view>

#include "deepfin/data/tabular/table.h"

namespace deepfin::data {

// Reads the UTF-8 file at `path`; Table::source is the path.
Table read_arff(const std::string& path);
// Parses ARFF text already in memory; `source_name` stands in for the path in messages.
Table parse_arff(std::string_view text, const std::string& source_name);

}  // namespace deepfin::data
