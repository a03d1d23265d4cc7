#pragma once
// Schema inference: what kind of feature each raw text column of a Table holds.
// numeric: every non-missing cell is a finite number; boolean: the values are one
// known true/false pair (yes/no, 0/1, ...); categorical: anything else.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "deepfin/data/tabular/table.h"

namespace deepfin::data {

enum class ColumnKind { numeric, categorical, boolean };

std::string to_string(ColumnKind kind);
// "numeric" | "categorical" | "boolean"; ConfigError naming the allowed names otherwise.
ColumnKind column_kind_from_string(const std::string& name);

// The cell as a finite double if all of it is one number (std::from_chars; a leading '+' is allowed).
std::optional<double> parse_finite_number(std::string_view text);

// ASCII lower case, for the case-insensitive boolean pairs.
std::string to_lower(std::string_view text);

// The known pair {false_value, true_value} (lower case) that `value` belongs to, case-insensitively:
// {false,true}, {no,yes}, {n,y}, {f,t}, {0,1}. nullopt if none.
std::optional<std::pair<std::string, std::string>> known_boolean_pair(std::string_view value);

// ARFF declared types win (numeric -> numeric, nominal -> categorical). Otherwise the cells decide:
// a known boolean pair (or one value of it) -> boolean, all numbers -> numeric, else categorical.
// A column with no non-missing cells is numeric.
ColumnKind infer_column_kind(const TableColumn& column);

}  // namespace deepfin::data
