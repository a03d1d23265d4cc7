#pragma once
// TabularPreprocessor: raw Table cells -> a float32 feature matrix, fitted on the
// training fold only (so no statistic of a test row leaks into training), and
// saved as JSON next to the model so that prediction applies the same mapping.
//
// Feature order: feature columns in table order (minus target and dropped), each
// column's features together:
//   numeric     -> [scaled value, piecewise-linear bins?, missing indicator?]; the value is
//                  standardized by the training mean and std, or (numeric_scaling = quantile)
//                  mapped through the training quantiles to a normal score (quantile_normal.h)
//   boolean     -> [0/1, missing indicator?]
//   categorical -> one_hot: one 0/1 per training category (missing -> fill_category, unseen -> all zeros);
//                  embedding: one "(code)" feature (0 = unseen/missing, k = categories[k-1]).
//
// Piecewise-linear encoding (numeric_bins > 0; Gorishniy, Rubachev & Babenko 2022, "On
// Embeddings for Numerical Features in Tabular Deep Learning"): a numeric column's training
// values are cut at their quantiles into at most numeric_bins bins with edges e_0 < ... < e_T,
// and bin t gets (x - e_{t-1}) / (e_t - e_{t-1}) clamped to [0, 1], except that the first bin
// is not clamped below and the last not above. A value thus lights up every bin below it and
// part of its own, which lets an MLP fit steps and curves in one feature.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/data/tabular/schema.h"
#include "deepfin/data/tabular/table.h"

namespace deepfin::data {

enum class CategoricalEncoding { one_hot, embedding };
enum class NumericImputation { median, mean };
enum class NumericScaling { standard, quantile };

std::string to_string(CategoricalEncoding encoding);  // "one_hot" | "embedding"
std::string to_string(NumericImputation imputation);  // "median" | "mean"
std::string to_string(NumericScaling scaling);        // "standard" | "quantile"
// ConfigError naming the allowed names on an unknown one.
CategoricalEncoding categorical_encoding_from_string(const std::string& name);
NumericImputation numeric_imputation_from_string(const std::string& name);
NumericScaling numeric_scaling_from_string(const std::string& name);

struct PreprocessOptions {
  std::string target{};                       // required: the label column
  std::string positive_label{};               // required: target value meaning "positive" (bad / default)
  std::vector<std::string> drop{};            // columns to leave out
  std::vector<std::string> keep{};            // if non-empty: only these feature columns
  std::map<std::string, ColumnKind> kinds{};  // overrides of the inferred kind
  CategoricalEncoding categorical = CategoricalEncoding::one_hot;
  NumericImputation imputation = NumericImputation::median;
  bool missing_indicators = true;  // one 0/1 column per numeric/boolean column with missing training values
  int64_t numeric_bins = 0;        // > 0: piecewise-linear bins per numeric column (at most this many)
  NumericScaling scaling = NumericScaling::standard;  // how a numeric column's value feature is scaled
};

// One output feature (a column of the transformed matrix) and where it comes from.
struct FeatureInfo {
  std::string name{};   // e.g. "duration", "purpose=radio/tv", "Income (missing)", "Home (code)"
  int64_t source = -1;  // index into TabularPreprocessor::columns()
  enum class Role { numeric, boolean, one_hot, missing_indicator, category_code, numeric_bin } role = Role::numeric;
  std::string category{};  // one_hot: the category this column is 1 for
};

// One input feature column, as fitted.
struct ColumnInfo {
  std::string name{};
  ColumnKind kind = ColumnKind::numeric;
  double center = 0, scale = 1;           // numeric: mean and population std of training values (scale 1 if std == 0)
  double fill = 0;                        // numeric: imputed value (raw units); boolean: the more frequent of 0/1
  std::vector<std::string> categories{};  // categorical: by training frequency desc, then name;
                                          // boolean: {false_value, true_value}, lower case
  std::string fill_category{};            // categorical: the most frequent (imputed for missing)
  std::vector<double> edges{};            // numeric with bins: the bin edges (raw units, increasing)
  std::vector<double> quantiles{};        // numeric, quantile scaling: the knots (raw units, non-decreasing)
  bool has_indicator = false;
};

class TabularPreprocessor {
 public:
  // Fits on `train` only. ConfigError (naming the source) if target/positive_label are empty, a named column
  // (target, drop, keep, kinds) does not exist (listing the columns), the target has a missing value
  // (file:line), the positive label never occurs, the target has one class only, or no feature is left.
  // ValueError with file:line: column if a column forced numeric (or boolean) has a cell that is not one.
  static TabularPreprocessor fit(const Table& train, const PreprocessOptions& options);

  // (N, num_features()) float32, looking the fitted columns up by name (order, extra columns and the target
  // don't matter). NotFoundError if a feature column is missing. ValueError with file:line: column for a cell
  // that is not a finite number in a numeric column or an unknown boolean value. Missing -> fill (+ indicator).
  // Categories never seen in training: one_hot -> zeros, embedding -> code 0; counted in last_unseen_count().
  Tensor transform(const Table& table) const;
  // (N, 1) float32 0/1 from the target column; NotFoundError if absent; ValueError (file:line) if missing.
  Tensor target(const Table& table) const;
  std::vector<int64_t> target_classes(const Table& table) const;  // the same as 0/1 int64

  const std::vector<ColumnInfo>& columns() const { return columns_; }
  const std::vector<FeatureInfo>& features() const { return features_; }
  int64_t num_features() const { return static_cast<int64_t>(features_.size()); }
  const PreprocessOptions& options() const { return options_; }
  // Mean of the transformed training matrix per feature, (F,) float32: the default explanation baseline.
  const Tensor& feature_means() const { return feature_means_; }

  // Embedding mode: per categorical column, its "(code)" feature index and cardinality K+1 (code 0 included).
  struct EmbeddingSlot {
    int64_t feature = 0;
    int64_t cardinality = 0;
    int64_t source = 0;
  };
  std::vector<EmbeddingSlot> embedding_slots() const;

  // Column `source`'s value in row r of `table` as the applicant gave it: "Income = 129", "Income = (missing)".
  std::string describe(const Table& table, int64_t row, int64_t source) const;
  // Cells with a category unseen in training in the last transform().
  int64_t last_unseen_count() const { return last_unseen_count_; }

  // Round trip gives bit-identical transform output. from_json: FileError naming a missing or bad key.
  nlohmann::json to_json() const;
  static TabularPreprocessor from_json(const nlohmann::json& j);

 private:
  TabularPreprocessor() = default;
  void build_features();

  PreprocessOptions options_;
  std::vector<ColumnInfo> columns_;
  std::vector<FeatureInfo> features_;
  Tensor feature_means_;
  mutable int64_t last_unseen_count_ = 0;
};

}  // namespace deepfin::data
