#pragma once
// Private helpers of the credit metrics: argument checks that throw ValueError naming the
// calling function, and the grouping of scores into distinct values (ties = one step) that
// the ROC, KS, PR and cost-threshold computations share.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace deepfin::metrics::credit_detail {

// Same non-zero length, every label 0 or 1, no NaN score.
void check_scored_labels(std::string_view function, std::span<const double> scores, std::span<const int> labels);

// No NaN and nothing outside [0, 1].
void check_probabilities(std::string_view function, std::span<const double> probabilities);

// No empty sample, no NaN.
void check_sample(std::string_view function, std::string_view name, std::span<const double> values);

struct ClassCounts {
  int64_t positives = 0;
  int64_t negatives = 0;
};
ClassCounts count_classes(std::span<const int> labels);

// Throws "<function> needs both classes; got only label 0" unless both labels occur.
ClassCounts require_both_classes(std::string_view function, std::span<const int> labels);

// One distinct score with how many positives and negatives carry it.
struct ScoreGroup {
  double score = 0;
  int64_t positives = 0;
  int64_t negatives = 0;
};

// Distinct scores in descending order (O(n log n)); inputs must already be checked.
std::vector<ScoreGroup> group_scores_descending(std::span<const double> scores, std::span<const int> labels);

// Quantile q in [0, 1] of ascending `sorted` (non-empty) with linear interpolation between
// order statistics (numpy's default, Hyndman-Fan type 7).
double linear_quantile(const std::vector<double>& sorted, double q);

}  // namespace deepfin::metrics::credit_detail
