#pragma once
// Accept/decline decisions from probabilities of the positive class (1 = bad / default):
// the confusion counts at a threshold and the threshold that minimises misclassification cost.
// Throws ValueError for a size mismatch, empty input, a label other than 0/1 or a NaN score.
#include <cstdint>
#include <span>

namespace deepfin::metrics {

// Counts for "predicted positive iff p >= threshold". Each ratio is 0 when its denominator is 0.
struct ConfusionAt {
  double threshold = 0.5;
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double accuracy() const;     // (tp + tn) / n
  double precision() const;    // tp / (tp + fp)
  double recall() const;       // tp / (tp + fn)
  double specificity() const;  // tn / (tn + fp)
  double f1() const;           // 2 precision recall / (precision + recall)
};
ConfusionAt confusion_at(std::span<const double> probabilities, std::span<const int> labels, double threshold);

// Cost of each kind of error; correct decisions cost 0. The defaults are the German Credit
// matrix: approving a bad applicant (false negative) costs 5, declining a good one costs 1.
struct CostMatrix {
  double false_negative = 5.0;
  double false_positive = 1.0;
};

// For calibrated probabilities the expected cost is minimised by declining iff
// p >= FP / (FP + FN) (the Bayes threshold; 1/6 for the German Credit matrix).
// Throws ValueError for a negative or non-finite cost, or both costs 0.
double bayes_threshold(CostMatrix costs = {});

struct CostThreshold {
  double threshold = 0.5;
  double total_cost = 0;  // FN * fn + FP * fp
  double mean_cost = 0;   // total_cost / n
  ConfusionAt confusion;
};

// The empirical cost-minimising threshold, by an exact O(n log n) search over every distinct
// probability (and one value just above the largest, which declines nobody). On ties in cost
// the largest threshold (the fewest declines) wins. Throws ValueError as bayes_threshold does.
CostThreshold min_cost_threshold(std::span<const double> probabilities, std::span<const int> labels,
                                 CostMatrix costs = {});

}  // namespace deepfin::metrics
