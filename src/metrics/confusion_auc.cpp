#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "deepfin/metrics/auc.h"
#include "deepfin/metrics/confusion.h"
#include "metrics/host_batch.h"

namespace deepfin::metrics {

void ConfusionCounts::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  const auto b = detail::elementwise_batch(y_true, y_pred, sample_weight, name());
  for (size_t e = 0; e < b.y_pred.size(); ++e) {
    const bool predicted = b.y_pred[e] > threshold_;
    const bool actual = b.y_true[e] != 0.0;
    const double w = b.weight_of(e);
    if (predicted && actual) tp_ += w;
    if (predicted && !actual) fp_ += w;
    if (!predicted && actual) fn_ += w;
    if (!predicted && !actual) tn_ += w;
  }
}

void AUC::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  const auto b = detail::elementwise_batch(y_true, y_pred, sample_weight, name());
  for (size_t e = 0; e < b.y_pred.size(); ++e) entries_.push_back({b.y_pred[e], b.weight_of(e), b.y_true[e] != 0.0});
}

double AUC::result() const {
  // A NaN score has no rank: the area is undefined, and NaN says so (the training loop
  // stops on the NaN loss that comes with it). It must not reach the sort below, where
  // NaN breaks the ordering `>` needs and the tie walk never advances past it.
  for (const Entry& e : entries_)
    if (std::isnan(e.score)) return std::numeric_limits<double>::quiet_NaN();
  // Walk the scores from high to low; each group of tied scores adds the trapezoid
  // fp_group * (tp_before + tp_group / 2) to the (unnormalised) area under the ROC curve.
  std::vector<size_t> order(entries_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return entries_[a].score > entries_[b].score; });
  double tp = 0, fp = 0, area = 0;
  for (size_t i = 0; i < order.size();) {
    double tp_group = 0, fp_group = 0;
    size_t j = i;
    for (; j < order.size() && entries_[order[j]].score == entries_[order[i]].score; ++j) {
      const Entry& e = entries_[order[j]];
      (e.positive ? tp_group : fp_group) += e.weight;
    }
    area += fp_group * (tp + 0.5 * tp_group);
    tp += tp_group;
    fp += fp_group;
    i = j;
  }
  return tp > 0 && fp > 0 ? area / (tp * fp) : 0.0;
}

}  // namespace deepfin::metrics
