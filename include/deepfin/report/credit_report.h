#pragma once
// The credit model report: a pure function of already computed data (data summary,
// cross-validation results, held-out probabilities, attributions) to a Markdown file
// plus PNG figures in one directory.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/metrics/credit/decision.h"
#include "deepfin/metrics/credit/fairness.h"

namespace deepfin::report {

// One raw input column, as the data summary table shows it.
struct ColumnSummary {
  std::string name, kind;  // kind: e.g. "numeric", "categorical"
  int64_t missing = 0;
  int64_t distinct = 0;
  std::string example;
};

// A metric over cross-validation folds. floor: a baseline to beat, e.g. "0.788 (logistic regression)", or "".
struct MetricSpread {
  std::string name;
  double mean = 0, std = 0;
  std::vector<double> per_fold;
  std::string floor;
};

// One protected attribute's group metrics, as the fair-lending section shows them.
struct AttributeFairnessData {
  std::string attribute;
  metrics::FairnessTable at_model_threshold{}, at_min_cost{};                    // held-out rows, with 95 % intervals
  std::vector<std::pair<std::string, int64_t>> too_small{};                      // groups not measured, with their rows
  std::map<std::string, std::map<std::string, std::pair<double, double>>> cv{};  // group -> metric -> (mean, std)
  std::vector<std::string> order{};                                              // groups in the order to show them
};

// The fair-lending section ([fairness] in the job).
struct FairnessReportData {
  std::string use;  // "exclude" | "monitor"
  double proxy_threshold = 0.3;
  std::vector<std::pair<std::string, std::pair<std::string, double>>> proxies{};  // input -> (attribute, V)
  std::vector<AttributeFairnessData> attributes{};
  int64_t min_group_rows = 0;
  // mitigation = "reweighing": the same recipe fitted without it, for what reweighing costs and changes.
  std::string mitigation = "none";
  double auc = 0, auc_without_mitigation = 0;
  std::vector<AttributeFairnessData> without_mitigation{};
};

struct CreditReportData {
  std::string title, data_source, target, positive_label, model_summary;  // model_summary: Model::summary() text
  int64_t rows = 0, positives = 0;
  std::vector<ColumnSummary> columns;
  int folds = 0;
  std::vector<MetricSpread> cv_metrics;  // may be empty (no CV run)
  std::vector<double> test_scores;       // held-out probabilities of the positive class (1 = bad)
  std::vector<int> test_labels;          // 0/1
  std::vector<double> train_scores;      // for PSI (expected = train, actual = test); may be empty
  std::vector<std::pair<std::string, double>> global_attributions;  // column, mean |attribution|, any order
  metrics::CostMatrix costs;
  double decision_threshold = -1;                // the model's own threshold (chosen without the test rows); < 0: none
  std::optional<FairnessReportData> fairness{};  // the fair-lending section and fairness.png; none without [fairness]
};

// File names inside the report directory.
inline constexpr const char* kReportFile = "report.md";
// (and fairness.png when the data has a fair-lending section)
inline constexpr const char* kFigureFiles[] = {"roc.png", "ks.png", "calibration.png", "score_distribution.png",
                                               "attributions.png"};

// Formats a metric value as the report prints it (4 decimals, e.g. "0.8123").
std::string format_metric(double value);

// Writes <directory>/report.md and <directory>/{roc,ks,calibration,score_distribution,attributions}.png
// (attributions.png only when there are attributions), creating the directory if needed. Every file is
// written atomically. All inputs are checked before anything is written: ValueError (and no files) if the
// test scores/labels are empty or mismatched, a label is not 0/1, a score is not a probability, the test
// set has a single class, or a number is not finite. FileError if a file cannot be written.
void write_credit_report(const CreditReportData& data, const std::string& directory);

}  // namespace deepfin::report
