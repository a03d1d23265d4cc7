// The preprocessor as JSON, saved next to the model: everything fitted, so that
// prediction maps raw rows exactly as training did (bit-identical features).
#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/preprocessor.h"

namespace deepfin::data {

std::string to_string(CategoricalEncoding encoding) {
  return encoding == CategoricalEncoding::one_hot ? "one_hot" : "embedding";
}

std::string to_string(NumericImputation imputation) {
  return imputation == NumericImputation::median ? "median" : "mean";
}

CategoricalEncoding categorical_encoding_from_string(const std::string& name) {
  for (CategoricalEncoding e : {CategoricalEncoding::one_hot, CategoricalEncoding::embedding})
    if (name == to_string(e)) return e;
  throw ConfigError(fmt::format("unknown categorical encoding '{}'; expected one_hot or embedding", name));
}

NumericImputation numeric_imputation_from_string(const std::string& name) {
  for (NumericImputation i : {NumericImputation::median, NumericImputation::mean})
    if (name == to_string(i)) return i;
  throw ConfigError(fmt::format("unknown numeric imputation '{}'; expected median or mean", name));
}

std::string to_string(NumericScaling scaling) {
  return scaling == NumericScaling::standard ? "standard" : "quantile";
}

NumericScaling numeric_scaling_from_string(const std::string& name) {
  for (NumericScaling s : {NumericScaling::standard, NumericScaling::quantile})
    if (name == to_string(s)) return s;
  throw ConfigError(fmt::format("unknown numeric scaling '{}'; expected standard or quantile", name));
}

namespace {

// Version 2 marks quantile scaling: a reader from before it would take the file for version 1,
// ignore the knots and standardize, giving wrong scores without an error; it refuses version 2.
// Standard scaling still writes version 1, which every reader understands.
constexpr int kFormatVersion = 1;
constexpr int kQuantileFormatVersion = 2;

// j[key], or a FileError naming the path of the missing key.
const nlohmann::json& at(const nlohmann::json& j, const std::string& key, const std::string& path) {
  if (!j.is_object() || !j.contains(key))
    throw FileError(fmt::format("preprocessor JSON: missing key '{}{}'", path, key));
  return j.at(key);
}

template <class T>
T get(const nlohmann::json& j, const std::string& key, const std::string& path) {
  const nlohmann::json& value = at(j, key, path);
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("preprocessor JSON: key '{}{}' has the wrong type: {}", path, key, e.what()));
  }
}

// Unknown names in the document are a malformed file, not a bad job: FileError.
template <class Fn>
auto parse_name(Fn&& from_string, const std::string& name, const std::string& key) {
  try {
    return from_string(name);
  } catch (const ConfigError& e) {
    throw FileError(fmt::format("preprocessor JSON: key '{}': {}", key, e.what()));
  }
}

nlohmann::json column_to_json(const ColumnInfo& c) {
  return {{"name", c.name},
          {"kind", to_string(c.kind)},
          {"center", c.center},
          {"scale", c.scale},
          {"fill", c.fill},
          {"categories", c.categories},
          {"fill_category", c.fill_category},
          {"has_indicator", c.has_indicator},
          {"edges", c.edges},
          {"quantiles", c.quantiles}};
}

ColumnInfo column_from_json(const nlohmann::json& j, const std::string& path) {
  ColumnInfo c;
  c.name = get<std::string>(j, "name", path);
  c.kind = parse_name(column_kind_from_string, get<std::string>(j, "kind", path), path + "kind");
  c.center = get<double>(j, "center", path);
  c.scale = get<double>(j, "scale", path);
  c.fill = get<double>(j, "fill", path);
  c.categories = get<std::vector<std::string>>(j, "categories", path);
  c.fill_category = get<std::string>(j, "fill_category", path);
  c.has_indicator = get<bool>(j, "has_indicator", path);
  // Files written before piecewise-linear bins have no edges.
  if (j.contains("edges")) c.edges = get<std::vector<double>>(j, "edges", path);
  for (size_t t = 0; t < c.edges.size(); ++t)
    if (!std::isfinite(c.edges[t]) || (t > 0 && !(c.edges[t] > c.edges[t - 1])) || c.edges.size() == 1 ||
        c.kind != ColumnKind::numeric)
      throw FileError(fmt::format(
          "preprocessor JSON: '{}edges' of column '{}' must be finite, increasing, and 2 or more (numeric only)", path,
          c.name));
  // Files written before quantile scaling have no knots.
  if (j.contains("quantiles")) c.quantiles = get<std::vector<double>>(j, "quantiles", path);
  for (size_t k = 0; k < c.quantiles.size(); ++k)
    if (!std::isfinite(c.quantiles[k]) || (k > 0 && c.quantiles[k] < c.quantiles[k - 1]) || c.quantiles.size() == 1 ||
        c.kind != ColumnKind::numeric)
      throw FileError(
          fmt::format("preprocessor JSON: '{}quantiles' of column '{}' must be finite, non-decreasing, and 2 or more "
                      "(numeric only)",
                      path, c.name));
  if (c.kind == ColumnKind::boolean && c.categories.size() != 2)
    throw FileError(
        fmt::format("preprocessor JSON: '{}categories' of boolean column '{}' must hold 2 values", path, c.name));
  if (c.kind == ColumnKind::numeric && !(c.scale > 0))
    throw FileError(fmt::format("preprocessor JSON: '{}scale' of column '{}' must be > 0", path, c.name));
  return c;
}

}  // namespace

nlohmann::json TabularPreprocessor::to_json() const {
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [name, kind] : options_.kinds) kinds[name] = to_string(kind);
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnInfo& c : columns_) columns.push_back(column_to_json(c));
  std::vector<std::string> feature_names;
  for (const FeatureInfo& f : features_) feature_names.push_back(f.name);
  return {{"format", "deepfin.tabular_preprocessor"},
          {"version", options_.scaling == NumericScaling::quantile ? kQuantileFormatVersion : kFormatVersion},
          {"options",
           {{"target", options_.target},
            {"positive_label", options_.positive_label},
            {"drop", options_.drop},
            {"keep", options_.keep},
            {"kinds", kinds},
            {"categorical", to_string(options_.categorical)},
            {"imputation", to_string(options_.imputation)},
            {"missing_indicators", options_.missing_indicators},
            {"numeric_bins", options_.numeric_bins},
            {"numeric_scaling", to_string(options_.scaling)}}},
          {"columns", columns},
          {"features", feature_names},  // for readers; rebuilt from the columns on load
          {"feature_means", feature_means_.to_vector<float>()}};
}

TabularPreprocessor TabularPreprocessor::from_json(const nlohmann::json& j) {
  const int version = get<int>(j, "version", "");
  if (version != kFormatVersion && version != kQuantileFormatVersion)
    throw FileError(fmt::format("preprocessor JSON: version {} is not supported (expected {} or {})",
                                j.at("version").dump(), kFormatVersion, kQuantileFormatVersion));
  TabularPreprocessor pre;
  const nlohmann::json& o = at(j, "options", "");
  PreprocessOptions& options = pre.options_;
  options.target = get<std::string>(o, "target", "options.");
  options.positive_label = get<std::string>(o, "positive_label", "options.");
  options.drop = get<std::vector<std::string>>(o, "drop", "options.");
  options.keep = get<std::vector<std::string>>(o, "keep", "options.");
  for (const auto& [name, kind] : get<std::map<std::string, std::string>>(o, "kinds", "options."))
    options.kinds[name] = parse_name(column_kind_from_string, kind, "options.kinds." + name);
  options.categorical = parse_name(categorical_encoding_from_string, get<std::string>(o, "categorical", "options."),
                                   "options.categorical");
  options.imputation =
      parse_name(numeric_imputation_from_string, get<std::string>(o, "imputation", "options."), "options.imputation");
  options.missing_indicators = get<bool>(o, "missing_indicators", "options.");
  if (o.contains("numeric_bins")) options.numeric_bins = get<int64_t>(o, "numeric_bins", "options.");
  if (o.contains("numeric_scaling"))
    options.scaling = parse_name(numeric_scaling_from_string, get<std::string>(o, "numeric_scaling", "options."),
                                 "options.numeric_scaling");
  if ((options.scaling == NumericScaling::quantile) != (version == kQuantileFormatVersion))
    throw FileError(
        fmt::format("preprocessor JSON: version {} does not match numeric_scaling '{}' (quantile scaling "
                    "is version {})",
                    version, to_string(options.scaling), kQuantileFormatVersion));

  const nlohmann::json& columns = at(j, "columns", "");
  if (!columns.is_array() || columns.empty())
    throw FileError("preprocessor JSON: key 'columns' must be a non-empty array");
  for (size_t s = 0; s < columns.size(); ++s)
    pre.columns_.push_back(column_from_json(columns[s], fmt::format("columns[{}].", s)));
  // The encoder scales by the knots where a column has them: they must agree with the option.
  for (size_t s = 0; s < pre.columns_.size(); ++s)
    if (!pre.columns_[s].quantiles.empty() && options.scaling != NumericScaling::quantile)
      throw FileError(
          fmt::format("preprocessor JSON: 'columns[{}].quantiles' of column '{}' is given, but "
                      "numeric_scaling is '{}'",
                      s, pre.columns_[s].name, to_string(options.scaling)));
  pre.build_features();

  const auto means = get<std::vector<float>>(j, "feature_means", "");
  if (static_cast<int64_t>(means.size()) != pre.num_features())
    throw FileError(fmt::format("preprocessor JSON: 'feature_means' has {} values but the columns give {} features",
                                means.size(), pre.num_features()));
  pre.feature_means_ = from_vector(means, {pre.num_features()});
  return pre;
}

}  // namespace deepfin::data
