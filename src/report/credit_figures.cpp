// The five credit report figures.
#include "report/credit_figures.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/fairness_markdown.h"

namespace deepfin::report::detail {
namespace {

constexpr int kGrey = 7;  // the grey of the colour cycle, for reference lines
constexpr int kScoreBins = 20;

plot::Figure roc_figure(const CreditAnalysis& a) {
  plot::Figure fig("ROC curve (held-out)", "false positive rate", "true positive rate");
  fig.line(a.roc.fpr, a.roc.tpr, fmt::format("model (AUC {})", format_metric(a.auc)), {.width = 2.0})
      .line({0, 1}, {0, 1}, "chance", {.color = kGrey, .dashed = true})
      .x_range(0, 1)
      .y_range(0, 1.02);
  return fig;
}

// The empirical CDFs of the score per class, with the largest gap (the KS statistic) drawn between them.
plot::Figure ks_figure(const CreditAnalysis& a) {
  const auto& ks = a.ks;
  plot::Figure fig("Kolmogorov-Smirnov (held-out)", "score", "cumulative share");
  fig.line(ks.thresholds, ks.cdf_negative, "good (0)", {.width = 2.0, .step = true})
      .line(ks.thresholds, ks.cdf_positive, "bad (1)", {.width = 2.0, .step = true});
  const auto it = std::lower_bound(ks.thresholds.begin(), ks.thresholds.end(), ks.threshold);
  if (it != ks.thresholds.end()) {
    const size_t k = it - ks.thresholds.begin();
    fig.line({ks.threshold, ks.threshold}, {ks.cdf_positive[k], ks.cdf_negative[k]},
             fmt::format("KS {} at score {:.3f}", format_metric(ks.statistic), ks.threshold),
             {.color = kGrey, .dashed = true, .width = 2.0, .points = true});
  }
  fig.y_range(0, 1.02);
  return fig;
}

plot::Figure calibration_figure(const CreditAnalysis& a) {
  std::vector<double> predicted, observed;
  for (const auto& bin : a.reliability) {
    if (bin.count == 0) continue;
    predicted.push_back(bin.mean_predicted);
    observed.push_back(bin.observed_rate);
  }
  plot::Figure fig("Calibration (held-out, 10 uniform bins)", "mean predicted probability", "observed bad rate");
  fig.line(predicted, observed, "model", {.width = 2.0, .points = true})
      .line({0, 1}, {0, 1}, "perfect calibration", {.color = kGrey, .dashed = true})
      .x_range(0, 1)
      .y_range(0, 1.02);
  return fig;
}

plot::Figure score_distribution_figure(const CreditReportData& data) {
  std::vector<double> good, bad;
  for (size_t i = 0; i < data.test_scores.size(); ++i) {
    (data.test_labels[i] == 1 ? bad : good).push_back(data.test_scores[i]);
  }
  plot::Figure fig("Score distribution by class (held-out)", "predicted probability of bad", "density");
  fig.histogram(good, kScoreBins, 0, 1, "good (0)").histogram(bad, kScoreBins, 0, 1, "bad (1)");
  return fig;
}

plot::Figure attributions_figure(const CreditAnalysis& a) {
  std::vector<std::string> names;
  std::vector<double> values;
  for (const auto& [name, value] : a.top_attributions) {
    names.push_back(name);
    values.push_back(value);
  }
  plot::Figure fig("Top global attributions", "mean |attribution|", "column");
  fig.horizontal_bars(names, values);
  return fig;
}

}  // namespace

std::vector<std::pair<std::string, plot::Figure>> credit_figures(const CreditReportData& data,
                                                                 const CreditAnalysis& analysis) {
  std::vector<std::pair<std::string, plot::Figure>> figures;
  figures.emplace_back("roc.png", roc_figure(analysis));
  figures.emplace_back("ks.png", ks_figure(analysis));
  figures.emplace_back("calibration.png", calibration_figure(analysis));
  figures.emplace_back("score_distribution.png", score_distribution_figure(data));
  if (!analysis.top_attributions.empty()) figures.emplace_back("attributions.png", attributions_figure(analysis));
  if (data.fairness) {
    bool measured = false;
    for (const auto& a : data.fairness->attributes) measured |= !a.at_model_threshold.groups.empty();
    if (measured) figures.emplace_back("fairness.png", fairness_figure(*data.fairness));
  }
  return figures;
}

}  // namespace deepfin::report::detail
