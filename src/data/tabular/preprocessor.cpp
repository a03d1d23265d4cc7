#include "deepfin/data/tabular/preprocessor.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "column_encoder.h"
#include "deepfin/base/error.h"

namespace deepfin::data {
namespace {

std::string column_list(const Table& table) {
  std::string names;
  for (const TableColumn& column : table.columns) names += (names.empty() ? "" : ", ") + column.name;
  return names;
}

void require_column(const Table& table, const std::string& name, const char* role) {
  if (table.find_column(name) < 0)
    throw ConfigError(fmt::format("{}: the {} column '{}' does not exist; the columns are: {}", table.source, role,
                                  name, column_list(table)));
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The target's values, checked: no missing value, the positive label present, two classes at least.
void check_target(const Table& train, const PreprocessOptions& options) {
  const int64_t col = train.find_column(options.target);
  const TableColumn& target = train.columns[col];
  std::set<std::string> values;
  for (int64_t r = 0; r < train.num_rows(); ++r) {
    if (!target.values[r])
      throw ConfigError(
          fmt::format("{}: the target is missing; every training row needs a label", train.where(r, col)));
    values.insert(*target.values[r]);
  }
  if (!values.count(options.positive_label)) {
    std::string seen;
    for (const std::string& v : values) seen += (seen.empty() ? "'" : ", '") + v + "'";
    throw ConfigError(fmt::format("{}: positive label '{}' never occurs in column '{}'; its values are: {}",
                                  train.source, options.positive_label, options.target, seen));
  }
  if (values.size() < 2)
    throw ConfigError(
        fmt::format("{}: column '{}' has one class only: '{}'", train.source, options.target, *values.begin()));
}

// A column of numbers with a few cells that are not (a typo, "inf", "n/a") would be
// inferred categorical: hundreds of one-hot levels from one stray cell, silently.
// When at least 95 % of its values are numbers, that is an error naming the cell.
void check_not_mostly_numeric(const Table& train, int64_t col) {
  const TableColumn& column = train.columns[col];
  int64_t numbers = 0, others = 0, first_other = -1;
  for (int64_t r = 0; r < train.num_rows(); ++r) {
    const auto& cell = column.values[r];
    if (!cell) continue;
    if (parse_finite_number(*cell)) {
      ++numbers;
    } else {
      if (first_other < 0) first_other = r;
      ++others;
    }
  }
  if (others == 0 || numbers < 19 * others) return;
  throw ValueError(fmt::format(
      "{}: '{}' is not a finite number, but {} of the {} values in column '{}' are; fix the cell, list the value in "
      "[data] missing_values, or declare the column with [data] kinds = {{ {} = \"categorical\" }}",
      train.where(first_other, col), *column.values[first_other], numbers, numbers + others, column.name, column.name));
}

// Category values travel inside the model file's header; a free-text column read as
// categories would make a model no reader can open (and explain nothing).
constexpr size_t kMaxCategoryBytes = 4096;

void check_category_lengths(const Table& train, int64_t col) {
  const TableColumn& column = train.columns[col];
  for (int64_t r = 0; r < train.num_rows(); ++r)
    if (const auto& cell = column.values[r]; cell && cell->size() > kMaxCategoryBytes)
      throw ValueError(fmt::format(
          "{}: a category value of {} bytes; categories are short labels of at most {} bytes. Is '{}' a free-text "
          "column? Leave it out with [data] drop",
          train.where(r, col), cell->size(), kMaxCategoryBytes, column.name));
}

}  // namespace

TabularPreprocessor TabularPreprocessor::fit(const Table& train, const PreprocessOptions& options) {
  if (options.target.empty())
    throw ConfigError(fmt::format("{}: no target column given; the columns are: {}", train.source, column_list(train)));
  if (options.positive_label.empty())
    throw ConfigError(fmt::format("{}: no positive label given for target column '{}'", train.source, options.target));
  require_column(train, options.target, "target");
  for (const std::string& name : options.drop) require_column(train, name, "dropped");
  for (const std::string& name : options.keep) require_column(train, name, "kept");
  for (const auto& [name, kind] : options.kinds) require_column(train, name, "kind override");
  if (train.num_rows() == 0) throw ConfigError(fmt::format("{}: no rows to fit the preprocessor on", train.source));
  check_target(train, options);

  TabularPreprocessor pre;
  pre.options_ = options;
  for (int64_t c = 0; c < train.num_columns(); ++c) {
    const TableColumn& column = train.columns[c];
    if (column.name == options.target || contains(options.drop, column.name)) continue;
    if (!options.keep.empty() && !contains(options.keep, column.name)) continue;
    const auto forced = options.kinds.find(column.name);
    const ColumnKind kind = forced != options.kinds.end() ? forced->second : infer_column_kind(column);
    if (forced == options.kinds.end() && kind == ColumnKind::categorical && column.declared == DeclaredType::none)
      check_not_mostly_numeric(train, c);
    if (kind != ColumnKind::numeric) check_category_lengths(train, c);
    pre.columns_.push_back(detail::fit_column(train, c, kind, options));
  }
  if (pre.columns_.empty())
    throw ConfigError(
        fmt::format("{}: no feature columns left after target '{}', drop and keep", train.source, options.target));
  pre.build_features();

  // The explanation baseline: the training rows' mean transformed features.
  const Tensor x = pre.transform(train);
  const int64_t n = x.size(0), f = pre.num_features();
  const float* data = x.data<float>();
  std::vector<double> sums(f, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < f; ++j) sums[j] += data[r * f + j];
  std::vector<float> means(f);
  for (int64_t j = 0; j < f; ++j) means[j] = static_cast<float>(sums[j] / static_cast<double>(n));
  pre.feature_means_ = from_vector(means, {f});
  pre.last_unseen_count_ = 0;
  return pre;
}

void TabularPreprocessor::build_features() {
  features_.clear();
  for (size_t s = 0; s < columns_.size(); ++s)
    detail::append_features(columns_[s], static_cast<int64_t>(s), options_.categorical, features_);
}

Tensor TabularPreprocessor::transform(const Table& table) const {
  // Look every column up first, so a missing one is reported before any work.
  std::vector<int64_t> table_columns;
  for (const ColumnInfo& column : columns_) {
    const int64_t c = table.find_column(column.name);
    if (c < 0)
      throw NotFoundError(
          fmt::format("column '{}' is missing from {}; the model was trained with it", column.name, table.source));
    table_columns.push_back(c);
  }
  const int64_t n = table.num_rows(), f = num_features();
  Tensor x = zeros({n, f});
  float* out = x.data<float>();
  int64_t unseen = 0, first = 0;
  for (size_t s = 0; s < columns_.size(); ++s) {
    unseen += detail::encode_column(columns_[s], options_.categorical, table, table_columns[s], out, f, first);
    while (first < f && features_[first].source == static_cast<int64_t>(s)) ++first;
  }
  last_unseen_count_ = unseen;
  return x;
}

std::vector<int64_t> TabularPreprocessor::target_classes(const Table& table) const {
  const int64_t col = table.find_column(options_.target);
  if (col < 0)
    throw NotFoundError(fmt::format("{}: target column '{}' is missing; the columns are: {}", table.source,
                                    options_.target, column_list(table)));
  std::vector<int64_t> classes(table.num_rows());
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    const auto& cell = table.columns[col].values[r];
    if (!cell) throw ValueError(fmt::format("{}: the target is missing", table.where(r, col)));
    classes[r] = *cell == options_.positive_label ? 1 : 0;
  }
  return classes;
}

Tensor TabularPreprocessor::target(const Table& table) const {
  const std::vector<int64_t> classes = target_classes(table);
  std::vector<float> y(classes.begin(), classes.end());
  return from_vector(y, {static_cast<int64_t>(y.size()), 1});
}

std::vector<TabularPreprocessor::EmbeddingSlot> TabularPreprocessor::embedding_slots() const {
  std::vector<EmbeddingSlot> slots;
  for (int64_t j = 0; j < num_features(); ++j) {
    const FeatureInfo& feature = features_[j];
    if (feature.role != FeatureInfo::Role::category_code) continue;
    const int64_t cardinality = static_cast<int64_t>(columns_[feature.source].categories.size()) + 1;
    slots.push_back({.feature = j, .cardinality = cardinality, .source = feature.source});
  }
  return slots;
}

std::string TabularPreprocessor::describe(const Table& table, int64_t row, int64_t source) const {
  if (source < 0 || source >= static_cast<int64_t>(columns_.size()))
    throw IndexError(fmt::format("describe: column index {} out of range [0, {})", source, columns_.size()));
  if (row < 0 || row >= table.num_rows())
    throw IndexError(fmt::format("describe: {}: row {} out of range [0, {})", table.source, row, table.num_rows()));
  const std::string& name = columns_[source].name;
  const int64_t col = table.find_column(name);
  if (col < 0)
    throw NotFoundError(
        fmt::format("column '{}' is missing from {}; the model was trained with it", name, table.source));
  const auto& cell = table.columns[col].values[row];
  return fmt::format("{} = {}", name, cell ? *cell : "(missing)");
}

}  // namespace deepfin::data
