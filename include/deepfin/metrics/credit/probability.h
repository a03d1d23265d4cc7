#pragma once
// Quality of predicted probabilities of the positive class (1 = bad / default).
// Both throw ValueError for a size mismatch, empty input, a label other than 0/1, or a
// probability that is NaN or outside [0, 1].
#include <span>

namespace deepfin::metrics {

// Mean binary cross-entropy -[y ln p + (1 - y) ln(1 - p)], with the probability given to the
// observed label (p or 1 - p) clipped to [eps, 1 - eps], so a confident mistake costs -ln(eps)
// instead of infinity.
double log_loss(std::span<const double> probabilities, std::span<const int> labels, double eps = 1e-15);

// Mean squared error (p - y)^2 of the probabilities, in [0, 1].
double brier_score(std::span<const double> probabilities, std::span<const int> labels);

}  // namespace deepfin::metrics
