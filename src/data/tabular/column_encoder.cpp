#include "column_encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "deepfin/base/error.h"
#include "quantile_normal.h"

namespace deepfin::data::detail {
namespace {

double parse_numeric_cell(const Table& table, int64_t row, int64_t col, const std::string& cell) {
  if (const auto value = parse_finite_number(cell)) return *value;
  throw ValueError(
      fmt::format("{}: '{}' is not a finite number, but the column is numeric", table.where(row, col), cell));
}

double median_of(std::vector<double> values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;  // no overflow for huge values
}

// The distinct quantiles at k / bins (k = 0..bins) of `values`, taken at the nearest
// lower rank; fewer than two distinct values give no bins.
std::vector<double> quantile_edges(std::vector<double> values, int64_t bins) {
  std::sort(values.begin(), values.end());
  std::vector<double> edges;
  const auto last = static_cast<double>(values.size() - 1);
  for (int64_t k = 0; k <= bins; ++k) {
    const double q = values[static_cast<size_t>(std::floor(last * static_cast<double>(k) / static_cast<double>(bins)))];
    if (edges.empty() || q > edges.back()) edges.push_back(q);
  }
  if (edges.size() < 2) edges.clear();
  return edges;
}

void fit_numeric(const Table& train, int64_t col, const PreprocessOptions& options, ColumnInfo& info) {
  std::vector<double> values;
  const TableColumn& column = train.columns[col];
  for (int64_t r = 0; r < train.num_rows(); ++r)
    if (const auto& cell = column.values[r]) values.push_back(parse_numeric_cell(train, r, col, *cell));
  if (values.empty()) return;  // all missing: center 0, scale 1, fill 0
  const double n = static_cast<double>(values.size());
  double mean = 0;
  for (double v : values) mean += v / n;  // divided first so that large values do not overflow
  double variance = 0;
  for (double v : values) variance += (v - mean) * (v - mean) / n;
  const double std = std::sqrt(variance);
  if (!std::isfinite(mean) || !std::isfinite(std))
    throw ValueError(fmt::format("{}: column '{}': values too large to standardize", train.source, column.name));
  info.center = mean;
  info.scale = std > 0 ? std : 1.0;
  info.fill = options.imputation == NumericImputation::median ? median_of(values) : mean;
  if (options.scaling == NumericScaling::quantile) info.quantiles = quantile_knots(values);
  if (options.numeric_bins > 0) info.edges = quantile_edges(std::move(values), options.numeric_bins);
}

// The {false, true} pair of a boolean column: one known pair, or else (a column forced boolean) any two values.
void fit_boolean(const Table& train, int64_t col, ColumnInfo& info) {
  const TableColumn& column = train.columns[col];
  std::optional<std::pair<std::string, std::string>> pair;
  bool all_known = true;
  std::set<std::string> distinct;
  for (int64_t r = 0; r < train.num_rows(); ++r) {
    const auto& cell = column.values[r];
    if (!cell) continue;
    distinct.insert(to_lower(*cell));
    if (distinct.size() > 2)
      throw ValueError(fmt::format("{}: '{}' is a third value in a boolean column (a boolean holds two values)",
                                   train.where(r, col), *cell));
    const auto this_pair = known_boolean_pair(*cell);
    if (!this_pair || (pair && *pair != *this_pair)) all_known = false;
    if (this_pair && !pair) pair = this_pair;
  }
  if (distinct.empty()) {
    info.categories = {"false", "true"};
  } else if (all_known) {
    info.categories = {pair->first, pair->second};
  } else if (distinct.size() == 2) {
    info.categories.assign(distinct.begin(), distinct.end());  // sorted: the first is "false"
  } else {
    throw ValueError(
        fmt::format("{}: column '{}' is boolean but holds the single value '{}', which is not part of a "
                    "known pair (true/false, yes/no, y/n, t/f, 1/0)",
                    train.source, column.name, *distinct.begin()));
  }
  int64_t trues = 0, falses = 0;
  for (const auto& cell : column.values)
    if (cell) (to_lower(*cell) == info.categories[1] ? trues : falses) += 1;
  info.fill = trues > falses ? 1.0 : 0.0;
}

void fit_categorical(const Table& train, int64_t col, ColumnInfo& info) {
  std::map<std::string, int64_t> counts;
  for (const auto& cell : train.columns[col].values)
    if (cell) ++counts[*cell];
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, count] : sorted) info.categories.push_back(name);
  if (!info.categories.empty()) info.fill_category = info.categories.front();
}

}  // namespace

ColumnInfo fit_column(const Table& train, int64_t col, ColumnKind kind, const PreprocessOptions& options) {
  const TableColumn& column = train.columns[col];
  ColumnInfo info{.name = column.name, .kind = kind};
  const bool has_missing = std::any_of(column.values.begin(), column.values.end(), [](const auto& c) { return !c; });
  switch (kind) {
    case ColumnKind::numeric:
      fit_numeric(train, col, options, info);
      break;
    case ColumnKind::boolean:
      fit_boolean(train, col, info);
      break;
    case ColumnKind::categorical:
      fit_categorical(train, col, info);
      break;
  }
  // Categorical columns impute the most frequent category instead of flagging.
  info.has_indicator = options.missing_indicators && has_missing && kind != ColumnKind::categorical;
  return info;
}

void append_features(const ColumnInfo& column, int64_t source, CategoricalEncoding encoding,
                     std::vector<FeatureInfo>& features) {
  using Role = FeatureInfo::Role;
  switch (column.kind) {
    case ColumnKind::numeric:
      features.push_back({.name = column.name, .source = source, .role = Role::numeric});
      for (size_t t = 1; t < column.edges.size(); ++t)
        features.push_back(
            {.name = fmt::format("{} (bin {})", column.name, t), .source = source, .role = Role::numeric_bin});
      break;
    case ColumnKind::boolean:
      features.push_back({.name = column.name, .source = source, .role = Role::boolean});
      break;
    case ColumnKind::categorical:
      if (encoding == CategoricalEncoding::embedding) {
        features.push_back({.name = column.name + " (code)", .source = source, .role = Role::category_code});
      } else {
        for (const std::string& category : column.categories)
          features.push_back(
              {.name = column.name + "=" + category, .source = source, .role = Role::one_hot, .category = category});
      }
      break;
  }
  if (column.has_indicator)
    features.push_back({.name = column.name + " (missing)", .source = source, .role = Role::missing_indicator});
}

int64_t encode_column(const ColumnInfo& column, CategoricalEncoding encoding, const Table& table, int64_t col,
                      float* out, int64_t stride, int64_t first) {
  const TableColumn& cells = table.columns[col];
  const auto bins = column.edges.empty() ? int64_t{0} : static_cast<int64_t>(column.edges.size()) - 1;
  const int64_t indicator = first + (column.kind == ColumnKind::categorical ? 0 : 1 + bins);
  std::unordered_map<std::string, int64_t> category_index;
  for (size_t k = 0; k < column.categories.size(); ++k) category_index.emplace(column.categories[k], k);
  int64_t unseen = 0;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    float* row = out + r * stride;
    const std::optional<std::string>& cell = cells.values[r];
    if (column.has_indicator) row[indicator] = cell ? 0.0f : 1.0f;
    switch (column.kind) {
      case ColumnKind::numeric: {
        const double value = cell ? parse_numeric_cell(table, r, col, *cell) : column.fill;
        row[first] = static_cast<float>(column.quantiles.empty() ? (value - column.center) / column.scale
                                                                 : quantile_normal_score(column.quantiles, value));
        for (int64_t t = 1; t <= bins; ++t) {
          const double low = column.edges[static_cast<size_t>(t - 1)], high = column.edges[static_cast<size_t>(t)];
          double v = (value - low) / (high - low);
          if (t > 1) v = std::max(v, 0.0);
          if (t < bins) v = std::min(v, 1.0);
          row[first + t] = static_cast<float>(v);
        }
        break;
      }
      case ColumnKind::boolean: {
        double value = column.fill;
        if (cell) {
          const std::string lower = to_lower(*cell);
          // A 0/1 column is a number too: a count that was only 0 or 1 in the training rows
          // (delinquencies, say) reads a later 2 as 2, where its weight extrapolates.
          const bool zero_one = column.categories[0] == "0" && column.categories[1] == "1";
          if (const auto number = zero_one ? parse_finite_number(*cell) : std::nullopt)
            if (lower != "0" && lower != "1") {
              row[first] = static_cast<float>(*number);
              break;
            }
          if (lower != column.categories[0] && lower != column.categories[1])
            throw ValueError(fmt::format("{}: unknown boolean value '{}'; expected '{}' or '{}'", table.where(r, col),
                                         *cell, column.categories[0], column.categories[1]));
          value = lower == column.categories[1] ? 1.0 : 0.0;
        }
        row[first] = static_cast<float>(value);
        break;
      }
      case ColumnKind::categorical: {
        const bool embedding = encoding == CategoricalEncoding::embedding;
        if (!cell && embedding) {
          row[first] = 0.0f;  // code 0: missing
          break;
        }
        const auto found = category_index.find(cell ? *cell : column.fill_category);
        if (found == category_index.end() && cell) ++unseen;  // a missing cell is not unseen
        if (embedding) {
          row[first] = found == category_index.end() ? 0.0f : static_cast<float>(found->second + 1);
        } else {
          for (size_t k = 0; k < column.categories.size(); ++k) row[first + static_cast<int64_t>(k)] = 0.0f;
          if (found != category_index.end()) row[first + found->second] = 1.0f;
        }
        break;
      }
    }
  }
  return unseen;
}

}  // namespace deepfin::data::detail
