#pragma once
// Per-column scalers for series, fitted on the TRAINING span only: fit(columns, begin, end)
// reads columns[c][begin..end) and nothing else, so values after the training span (the
// validation and test periods) can never leak into the scaling. NaN passes through transform.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace deepfin::data {

using Columns = std::vector<std::vector<double>>;  // columns[c][t]

// (x - mean) / std with the population std (divisor n, as scikit-learn); a constant column gets std 1.
class StandardScaler {
 public:
  // ValueError for an empty or out-of-range span or a NaN inside it; ShapeError for ragged columns.
  void fit(const Columns& columns, int64_t begin, int64_t end);
  // ValueError before fit; ShapeError if the column count differs from the fitted one.
  Columns transform(const Columns& columns) const;
  Columns inverse_transform(const Columns& columns) const;
  // One column, e.g. predictions of the target column c.
  std::vector<double> transform_column(int64_t c, const std::vector<double>& v) const;
  std::vector<double> inverse_transform_column(int64_t c, const std::vector<double>& v) const;

  bool fitted() const { return !mean_.empty(); }
  int64_t num_columns() const { return static_cast<int64_t>(mean_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& scale() const { return scale_; }
  int64_t fit_begin() const { return fit_begin_; }
  int64_t fit_end() const { return fit_end_; }

  // Round trip is bit-identical. from_json: FileError naming a missing or bad key.
  nlohmann::json to_json() const;
  static StandardScaler from_json(const nlohmann::json& j);

 private:
  std::vector<double> mean_, scale_;
  int64_t fit_begin_ = 0, fit_end_ = 0;
};

// (x - min) / (max - min) * (hi - lo) + lo over the training span; a constant column gets range 1.
// Values outside the training range map outside [lo, hi] (no clipping).
class MinMaxScaler {
 public:
  explicit MinMaxScaler(double lo = 0.0, double hi = 1.0);  // ValueError unless lo < hi
  void fit(const Columns& columns, int64_t begin, int64_t end);
  Columns transform(const Columns& columns) const;
  Columns inverse_transform(const Columns& columns) const;
  std::vector<double> transform_column(int64_t c, const std::vector<double>& v) const;
  std::vector<double> inverse_transform_column(int64_t c, const std::vector<double>& v) const;

  bool fitted() const { return !min_.empty(); }
  int64_t num_columns() const { return static_cast<int64_t>(min_.size()); }
  const std::vector<double>& data_min() const { return min_; }
  const std::vector<double>& data_range() const { return range_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  int64_t fit_begin() const { return fit_begin_; }
  int64_t fit_end() const { return fit_end_; }

  nlohmann::json to_json() const;
  static MinMaxScaler from_json(const nlohmann::json& j);

 private:
  double lo_ = 0.0, hi_ = 1.0;
  std::vector<double> min_, range_;
  int64_t fit_begin_ = 0, fit_end_ = 0;
};

}  // namespace deepfin::data
