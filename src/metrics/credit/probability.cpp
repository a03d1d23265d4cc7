#include "deepfin/metrics/credit/probability.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "checks.h"
#include "deepfin/base/error.h"

namespace deepfin::metrics {

using namespace credit_detail;

double log_loss(std::span<const double> probabilities, std::span<const int> labels, double eps) {
  check_scored_labels("log_loss", probabilities, labels);
  check_probabilities("log_loss", probabilities);
  if (!(eps > 0.0 && eps < 0.5)) throw ValueError(fmt::format("log_loss: eps must lie in (0, 0.5); got {}", eps));
  double total = 0.0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    // Clip the probability of the observed label, so a confident mistake costs exactly -ln(eps).
    const double p_observed = labels[i] == 1 ? probabilities[i] : 1.0 - probabilities[i];
    total -= std::log(std::clamp(p_observed, eps, 1.0 - eps));
  }
  return total / static_cast<double>(probabilities.size());
}

double brier_score(std::span<const double> probabilities, std::span<const int> labels) {
  check_scored_labels("brier_score", probabilities, labels);
  check_probabilities("brier_score", probabilities);
  double total = 0.0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double error = probabilities[i] - labels[i];
    total += error * error;
  }
  return total / static_cast<double>(probabilities.size());
}

}  // namespace deepfin::metrics
