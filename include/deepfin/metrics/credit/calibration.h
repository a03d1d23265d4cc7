#pragma once
// Calibration of predicted probabilities: the reliability table (and its expected calibration
// error), and two calibrators that map a raw score to a probability of the positive class:
// Platt scaling (a sigmoid) and isotonic regression (a monotone step fit).
// Labels: 1 = positive (bad / default), 0 = negative.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace deepfin::metrics {

enum class BinStrategy { uniform, quantile };

// One bin [lower, upper) of predicted probabilities (the last bin also holds `upper`).
// mean_predicted and observed_rate (share of label 1) are 0 in an empty bin.
struct ReliabilityBin {
  double lower = 0, upper = 0;
  int64_t count = 0;
  double mean_predicted = 0, observed_rate = 0;
};

// `bins` bins with edges i/bins (uniform) or the i/bins quantiles of the probabilities
// (quantile, linear interpolation). Empty bins are kept with count 0, so the table always has
// `bins` rows; with quantile edges, tied probabilities can leave some bins empty.
// Throws ValueError for bad inputs (see probability.h) or bins < 1.
std::vector<ReliabilityBin> reliability_table(std::span<const double> probabilities, std::span<const int> labels,
                                              int bins = 10, BinStrategy strategy = BinStrategy::uniform);

// ECE = sum_bins count / n * |observed_rate - mean_predicted|; 0 for an empty table.
double expected_calibration_error(const std::vector<ReliabilityBin>& table);

// Platt scaling: p = 1 / (1 + exp(a * score + b)). fit() minimises the log-loss against
// Platt's smoothed targets t+ = (N+ + 1) / (N+ + 2) for label 1 and t- = 1 / (N- + 2) for
// label 0 (which keeps a, b finite on separable data), by Newton's method with a backtracking
// line search (Lin, Lin & Weng 2007). A score that predicts positives well gets a < 0.
class PlattScaling {
 public:
  void fit(std::span<const double> scores, std::span<const int> labels);
  double transform(double score) const;  // throws ValueError before fit() or for a NaN score
  double a() const { return a_; }
  double b() const { return b_; }
  nlohmann::json to_json() const;  // {"a": .., "b": ..}
  static PlattScaling from_json(const nlohmann::json& json);

 private:
  double a_ = 0, b_ = 0;
  bool fitted_ = false;
};

// Isotonic calibration: pool-adjacent-violators fit of the labels as a non-decreasing function
// of the score (tied scores are pooled first, so they share one value). Each block keeps its
// lowest and highest score as knots with the block's share of label 1 (scikit-learn's rule):
// transform() is flat inside a block, linear between blocks, and clipped outside the first /
// last knot, so on the training scores it returns exactly the PAV fit (whose mean is the
// observed positive rate).
class IsotonicCalibration {
 public:
  void fit(std::span<const double> scores, std::span<const int> labels);
  double transform(double score) const;  // throws ValueError before fit() or for a NaN score
  const std::vector<double>& knots() const { return knots_; }
  const std::vector<double>& values() const { return values_; }
  nlohmann::json to_json() const;  // {"knots": [..], "values": [..]}
  static IsotonicCalibration from_json(const nlohmann::json& json);

 private:
  std::vector<double> knots_, values_;
};

}  // namespace deepfin::metrics
