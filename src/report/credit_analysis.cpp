// The held-out analysis behind the credit report: every metric once, every input checked.
#include "report/credit_analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::report::detail {
namespace {

void check_finite(double value, const std::string& what) {
  if (!std::isfinite(value)) throw ValueError(fmt::format("credit report: {} is {}, must be finite", what, value));
}

void check_inputs(const CreditReportData& data) {
  if (data.test_scores.empty()) throw ValueError("credit report: no test scores (held-out probabilities)");
  if (data.test_scores.size() != data.test_labels.size()) {
    throw ValueError(fmt::format("credit report: {} test scores but {} test labels", data.test_scores.size(),
                                 data.test_labels.size()));
  }
  if (data.rows < 0 || data.positives < 0 || data.positives > data.rows) {
    throw ValueError(fmt::format("credit report: {} positives in {} rows", data.positives, data.rows));
  }
  for (const auto& m : data.cv_metrics) {
    check_finite(m.mean, fmt::format("cross-validation mean of '{}'", m.name));
    check_finite(m.std, fmt::format("cross-validation std of '{}'", m.name));
    for (size_t i = 0; i < m.per_fold.size(); ++i) {
      check_finite(m.per_fold[i], fmt::format("fold {} value of '{}'", i + 1, m.name));
    }
  }
  for (const auto& [name, value] : data.global_attributions)
    check_finite(value, fmt::format("attribution of '{}'", name));
  check_finite(data.costs.false_negative, "false negative cost");
  check_finite(data.costs.false_positive, "false positive cost");
}

}  // namespace

CreditAnalysis analyze_credit(const CreditReportData& data) {
  check_inputs(data);
  const std::span<const double> scores(data.test_scores);
  const std::span<const int> labels(data.test_labels);
  CreditAnalysis a;
  // log_loss checks that every score is a probability and every label 0/1; roc_auc that both classes occur.
  a.log_loss = metrics::log_loss(scores, labels);
  a.brier = metrics::brier_score(scores, labels);
  a.roc = metrics::roc_curve(scores, labels);
  a.auc = metrics::roc_auc(scores, labels);
  a.gini = metrics::gini(scores, labels);
  a.pr_auc = metrics::pr_auc(scores, labels);
  a.ks = metrics::ks_statistic(scores, labels);
  a.at_half = metrics::confusion_at(scores, labels, 0.5);
  a.min_cost = metrics::min_cost_threshold(scores, labels, data.costs);
  a.reliability = metrics::reliability_table(scores, labels, kCalibrationBins, metrics::BinStrategy::uniform);
  if (!data.train_scores.empty()) a.psi = metrics::population_stability_index(data.train_scores, scores);

  a.top_attributions = data.global_attributions;
  std::stable_sort(a.top_attributions.begin(), a.top_attributions.end(),
                   [](const auto& l, const auto& r) { return std::abs(l.second) > std::abs(r.second); });
  if (a.top_attributions.size() > kTopAttributions) a.top_attributions.resize(kTopAttributions);
  return a;
}

}  // namespace deepfin::report::detail
