#pragma once
// The credit model report: a pure function of already computed data (data summary,
// cross-validation results, held-out probabilities, attributions) to a Markdown file
// plus PNG figures in one directory.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/metrics/credit/decision.h"

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
  double decision_threshold = -1;  // the model's own threshold (chosen without the test rows); < 0: none
};

// File names inside the report directory.
inline constexpr const char* kReportFile = "report.md";
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
