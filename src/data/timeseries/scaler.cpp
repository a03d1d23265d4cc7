#include "deepfin/data/timeseries/scaler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::data {
namespace {

// Checks columns and the span [begin, end) before a fit reads columns[c][begin..end).
void check_fit(const char* who, const Columns& columns, int64_t begin, int64_t end) {
  if (columns.empty()) throw ValueError(fmt::format("{}.fit: no columns", who));
  const auto n = static_cast<int64_t>(columns[0].size());
  for (size_t c = 1; c < columns.size(); ++c)
    if (static_cast<int64_t>(columns[c].size()) != n)
      throw ShapeError(fmt::format("{}.fit: column {} has {} rows but column 0 has {}", who, c, columns[c].size(), n));
  if (begin < 0 || end > n || begin >= end)
    throw ValueError(fmt::format("{}.fit: span [{}, {}) is empty or outside the rows [0, {})", who, begin, end, n));
  for (size_t c = 0; c < columns.size(); ++c)
    for (int64_t t = begin; t < end; ++t)
      if (std::isnan(columns[c][t]))
        throw ValueError(
            fmt::format("{}.fit: column {} is NaN at time {} inside the fit span [{}, {}); drop the "
                        "warm-up rows first",
                        who, c, t, begin, end));
}

void check_fitted(const char* who, int64_t fitted_columns, int64_t given_columns) {
  if (fitted_columns == 0) throw ValueError(fmt::format("{}: transform called before fit", who));
  if (given_columns != fitted_columns)
    throw ShapeError(fmt::format("{}: fitted on {} columns, got {}", who, fitted_columns, given_columns));
}

void check_column(const char* who, int64_t fitted_columns, int64_t c) {
  if (fitted_columns == 0) throw ValueError(fmt::format("{}: transform called before fit", who));
  if (c < 0 || c >= fitted_columns)
    throw IndexError(fmt::format("{}: column {} outside [0, {})", who, c, fitted_columns));
}

template <class F>
std::vector<double> map_column(const std::vector<double>& v, F f) {
  std::vector<double> out(v.size());
  std::transform(v.begin(), v.end(), out.begin(), f);
  return out;
}

template <class Scaler, class PerColumn>
Columns map_columns(const Scaler& scaler, const Columns& columns, PerColumn per_column) {
  Columns out;
  out.reserve(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) out.push_back((scaler.*per_column)(static_cast<int64_t>(c), columns[c]));
  return out;
}

template <class T>
T json_key(const nlohmann::json& j, const char* who, const char* key) {
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw FileError(fmt::format("{} JSON: missing or bad key '{}'", who, key));
  }
}

void check_class(const nlohmann::json& j, const char* who) {
  if (json_key<std::string>(j, who, "class_name") != who)
    throw FileError(fmt::format("{} JSON: class_name is '{}'", who, j.at("class_name").get<std::string>()));
}

}  // namespace

// ---- StandardScaler ----

void StandardScaler::fit(const Columns& columns, int64_t begin, int64_t end) {
  check_fit("StandardScaler", columns, begin, end);
  mean_.assign(columns.size(), 0.0);
  scale_.assign(columns.size(), 1.0);
  const auto n = static_cast<double>(end - begin);
  for (size_t c = 0; c < columns.size(); ++c) {
    double sum = 0, squares = 0;
    for (int64_t t = begin; t < end; ++t) sum += columns[c][t];
    mean_[c] = sum / n;
    for (int64_t t = begin; t < end; ++t) squares += (columns[c][t] - mean_[c]) * (columns[c][t] - mean_[c]);
    const double std = std::sqrt(squares / n);
    scale_[c] = std > 0 ? std : 1.0;
  }
  fit_begin_ = begin;
  fit_end_ = end;
}

std::vector<double> StandardScaler::transform_column(int64_t c, const std::vector<double>& v) const {
  check_column("StandardScaler", num_columns(), c);
  return map_column(v, [m = mean_[c], s = scale_[c]](double x) { return (x - m) / s; });
}

std::vector<double> StandardScaler::inverse_transform_column(int64_t c, const std::vector<double>& v) const {
  check_column("StandardScaler", num_columns(), c);
  return map_column(v, [m = mean_[c], s = scale_[c]](double y) { return y * s + m; });
}

Columns StandardScaler::transform(const Columns& columns) const {
  check_fitted("StandardScaler", num_columns(), static_cast<int64_t>(columns.size()));
  return map_columns(*this, columns, &StandardScaler::transform_column);
}

Columns StandardScaler::inverse_transform(const Columns& columns) const {
  check_fitted("StandardScaler", num_columns(), static_cast<int64_t>(columns.size()));
  return map_columns(*this, columns, &StandardScaler::inverse_transform_column);
}

nlohmann::json StandardScaler::to_json() const {
  return {{"class_name", "StandardScaler"},
          {"fit_begin", fit_begin_},
          {"fit_end", fit_end_},
          {"mean", mean_},
          {"scale", scale_}};
}

StandardScaler StandardScaler::from_json(const nlohmann::json& j) {
  check_class(j, "StandardScaler");
  StandardScaler s;
  s.fit_begin_ = json_key<int64_t>(j, "StandardScaler", "fit_begin");
  s.fit_end_ = json_key<int64_t>(j, "StandardScaler", "fit_end");
  s.mean_ = json_key<std::vector<double>>(j, "StandardScaler", "mean");
  s.scale_ = json_key<std::vector<double>>(j, "StandardScaler", "scale");
  if (s.mean_.size() != s.scale_.size())
    throw FileError(fmt::format("StandardScaler JSON: {} means but {} scales", s.mean_.size(), s.scale_.size()));
  return s;
}

// ---- MinMaxScaler ----

MinMaxScaler::MinMaxScaler(double lo, double hi) : lo_(lo), hi_(hi) {
  if (!(lo < hi)) throw ValueError(fmt::format("MinMaxScaler: feature range ({}, {}) needs lo < hi", lo, hi));
}

void MinMaxScaler::fit(const Columns& columns, int64_t begin, int64_t end) {
  check_fit("MinMaxScaler", columns, begin, end);
  min_.assign(columns.size(), 0.0);
  range_.assign(columns.size(), 1.0);
  for (size_t c = 0; c < columns.size(); ++c) {
    const auto first = columns[c].begin() + begin, last = columns[c].begin() + end;
    const auto [lo, hi] = std::minmax_element(first, last);
    min_[c] = *lo;
    range_[c] = *hi > *lo ? *hi - *lo : 1.0;
  }
  fit_begin_ = begin;
  fit_end_ = end;
}

std::vector<double> MinMaxScaler::transform_column(int64_t c, const std::vector<double>& v) const {
  check_column("MinMaxScaler", num_columns(), c);
  return map_column(
      v, [m = min_[c], r = range_[c], lo = lo_, hi = hi_](double x) { return (x - m) / r * (hi - lo) + lo; });
}

std::vector<double> MinMaxScaler::inverse_transform_column(int64_t c, const std::vector<double>& v) const {
  check_column("MinMaxScaler", num_columns(), c);
  return map_column(
      v, [m = min_[c], r = range_[c], lo = lo_, hi = hi_](double y) { return (y - lo) / (hi - lo) * r + m; });
}

Columns MinMaxScaler::transform(const Columns& columns) const {
  check_fitted("MinMaxScaler", num_columns(), static_cast<int64_t>(columns.size()));
  return map_columns(*this, columns, &MinMaxScaler::transform_column);
}

Columns MinMaxScaler::inverse_transform(const Columns& columns) const {
  check_fitted("MinMaxScaler", num_columns(), static_cast<int64_t>(columns.size()));
  return map_columns(*this, columns, &MinMaxScaler::inverse_transform_column);
}

nlohmann::json MinMaxScaler::to_json() const {
  return {{"class_name", "MinMaxScaler"},
          {"fit_begin", fit_begin_},
          {"fit_end", fit_end_},
          {"lo", lo_},
          {"hi", hi_},
          {"data_min", min_},
          {"data_range", range_}};
}

MinMaxScaler MinMaxScaler::from_json(const nlohmann::json& j) {
  check_class(j, "MinMaxScaler");
  MinMaxScaler s(json_key<double>(j, "MinMaxScaler", "lo"), json_key<double>(j, "MinMaxScaler", "hi"));
  s.fit_begin_ = json_key<int64_t>(j, "MinMaxScaler", "fit_begin");
  s.fit_end_ = json_key<int64_t>(j, "MinMaxScaler", "fit_end");
  s.min_ = json_key<std::vector<double>>(j, "MinMaxScaler", "data_min");
  s.range_ = json_key<std::vector<double>>(j, "MinMaxScaler", "data_range");
  if (s.min_.size() != s.range_.size())
    throw FileError(fmt::format("MinMaxScaler JSON: {} minima but {} ranges", s.min_.size(), s.range_.size()));
  return s;
}

}  // namespace deepfin::data
