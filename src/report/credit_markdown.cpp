// report.md, section by section.
#include "report/credit_markdown.h"

#include <fmt/format.h>

#include "report/fairness_markdown.h"
#include "report/markdown.h"

namespace deepfin::report::detail {
namespace {

std::string percent(int64_t part, int64_t whole) {
  return whole > 0 ? fmt::format("{:.2f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "n/a";
}

std::string data_section(const CreditReportData& d) {
  int64_t test_positives = 0;
  for (int label : d.test_labels) test_positives += label == 1;
  std::string out = "## Data\n\n";
  out += fmt::format("- Source: `{}`\n", d.data_source.empty() ? "(not given)" : d.data_source);
  out += fmt::format("- Target: `{}`, positive (bad) label: `{}`\n", d.target, d.positive_label);
  out +=
      fmt::format("- Rows: {}, positives: {} (positive rate {})\n", d.rows, d.positives, percent(d.positives, d.rows));
  out += fmt::format("- Held-out test rows: {}, positives: {} (positive rate {})\n\n", d.test_labels.size(),
                     test_positives, percent(test_positives, static_cast<int64_t>(d.test_labels.size())));
  if (!d.columns.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : d.columns) {
      rows.push_back({c.name, c.kind, std::to_string(c.missing), std::to_string(c.distinct), c.example});
    }
    out += md_table({"column", "kind", "missing", "distinct", "example"}, rows) + "\n";
  }
  return out;
}

std::string cv_section(const CreditReportData& d) {
  std::string out = "## Cross-validation\n\n";
  if (d.cv_metrics.empty()) return out + "No cross-validation was run.\n\n";
  out += fmt::format(
      "{}-fold cross-validation over all rows (each fold fits its own preprocessing and model), mean ± standard "
      "deviation over folds.\n\n",
      d.folds);
  bool floors = false;
  for (const auto& m : d.cv_metrics) floors |= !m.floor.empty();
  std::vector<std::string> header{"metric", "mean ± std", "per fold"};
  if (floors) header.push_back("floor");
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : d.cv_metrics) {
    std::string folds;
    for (double v : m.per_fold) folds += (folds.empty() ? "" : ", ") + format_metric(v);
    std::vector<std::string> row{m.name, format_metric(m.mean) + " ± " + format_metric(m.std), folds};
    if (floors) row.push_back(m.floor);
    rows.push_back(std::move(row));
  }
  return out + md_table(header, rows) + "\n";
}

std::string held_out_section(const CreditReportData& d, const CreditAnalysis& a) {
  std::string out = "## Held-out test metrics\n\n";
  out += md_table({"metric", "value"}, {{"AUC", format_metric(a.auc)},
                                        {"Gini", format_metric(a.gini)},
                                        {"KS", format_metric(a.ks.statistic)},
                                        {"KS at score", format_metric(a.ks.threshold)},
                                        {"PR AUC (average precision)", format_metric(a.pr_auc)},
                                        {"Log-loss", format_metric(a.log_loss)},
                                        {"Brier score", format_metric(a.brier)},
                                        {"Accuracy at 0.5", format_metric(a.at_half.accuracy())}});
  if (d.decision_threshold > 0) {
    // The decision the model file will make: its threshold was fixed before the test rows were seen.
    const auto m = metrics::confusion_at(d.test_scores, d.test_labels, d.decision_threshold);
    const double cost =
        d.costs.false_negative * static_cast<double>(m.fn) + d.costs.false_positive * static_cast<double>(m.fp);
    out += fmt::format(
        "\n### The model's decision threshold\n\nThe saved model declines when p(bad) >= **{}** (chosen without the "
        "test rows). On the held-out set: cost {} (mean {} per applicant), accuracy {}, recall {}, specificity {}.\n\n",
        format_metric(d.decision_threshold), format_metric(cost),
        format_metric(cost / static_cast<double>(d.test_scores.size())), format_metric(m.accuracy()),
        format_metric(m.recall()), format_metric(m.specificity()));
    out += md_table({"", "predicted bad (declined)", "predicted good (approved)"},
                    {{"actual bad (1)", std::to_string(m.tp), std::to_string(m.fn)},
                     {"actual good (0)", std::to_string(m.fp), std::to_string(m.tn)}});
  }
  const auto& c = a.min_cost.confusion;
  out += "\n### Cost-minimizing threshold (in hindsight)\n\n";
  out += fmt::format(
      "Costs: approving a bad applicant (false negative) = {}, declining a good one (false positive) = {}. "
      "Declining every applicant with a predicted probability of bad >= **{}** gives the lowest cost on the "
      "held-out set, chosen knowing its labels, so an optimistic bound: total {}, mean {} per applicant (the Bayes "
      "threshold for calibrated probabilities is {}).\n\n",
      d.costs.false_negative, d.costs.false_positive, format_metric(a.min_cost.threshold),
      format_metric(a.min_cost.total_cost), format_metric(a.min_cost.mean_cost),
      format_metric(metrics::bayes_threshold(d.costs)));
  out += md_table({"", "predicted bad (declined)", "predicted good (approved)"},
                  {{"actual bad (1)", std::to_string(c.tp), std::to_string(c.fn)},
                   {"actual good (0)", std::to_string(c.fp), std::to_string(c.tn)}});
  out += fmt::format("\nAt this threshold: accuracy {}, precision {}, recall {}, specificity {}.\n\n",
                     format_metric(c.accuracy()), format_metric(c.precision()), format_metric(c.recall()),
                     format_metric(c.specificity()));
  return out;
}

std::string figures_section() {
  return "## Figures\n\n"
         "ROC curve against the chance diagonal:\n\n![ROC curve](roc.png)\n\n"
         "Kolmogorov-Smirnov: the score CDF of each class, the largest gap marked:\n\n![KS](ks.png)\n\n"
         "Calibration: observed bad rate against mean predicted probability in 10 uniform bins:\n\n"
         "![Calibration](calibration.png)\n\n"
         "Score distribution by class:\n\n![Score distribution](score_distribution.png)\n\n";
}

std::string psi_section(const CreditAnalysis& a) {
  std::string out = "## Population stability (train → test)\n\n";
  if (!a.psi) return out + "No training scores were given.\n\n";
  out += fmt::format("PSI = **{}** ({}); train scores are the expected distribution, test scores the actual.\n\n",
                     format_metric(a.psi->psi), a.psi->band);
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : a.psi->bins) {
    rows.push_back({fmt::format("[{:.4f}, {:.4f})", b.lower, b.upper), format_metric(b.expected_share),
                    format_metric(b.actual_share), format_metric(b.contribution)});
  }
  return out + md_table({"score bin", "train share", "test share", "contribution"}, rows) + "\n";
}

std::string attributions_section(const CreditAnalysis& a) {
  std::string out = "## Top global attributions\n\n";
  if (a.top_attributions.empty()) return out + "No attributions were given.\n\n";
  out += "![Top global attributions](attributions.png)\n\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < a.top_attributions.size(); ++i) {
    rows.push_back({std::to_string(i + 1), a.top_attributions[i].first, format_metric(a.top_attributions[i].second)});
  }
  return out + md_table({"rank", "column", "mean abs attribution"}, rows) + "\n";
}

}  // namespace

std::string credit_markdown(const CreditReportData& data, const CreditAnalysis& analysis) {
  std::string out = fmt::format("# {}\n\n", data.title.empty() ? "Credit model report" : data.title);
  out += data_section(data);
  out += cv_section(data);
  out += held_out_section(data, analysis);
  out += figures_section();
  out += psi_section(analysis);
  out += attributions_section(analysis);
  if (data.fairness) out += fairness_section(*data.fairness);
  out += "## Model\n\n" + md_code_block(data.model_summary.empty() ? "(no summary)" : data.model_summary);
  return out;
}

}  // namespace deepfin::report::detail
