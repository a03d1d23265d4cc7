#pragma once
// Everything the credit report shows that is computed from the held-out scores,
// computed (and so validated) before any file is written.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/metrics/credit/credit.h"
#include "deepfin/report/credit_report.h"

namespace deepfin::report::detail {

inline constexpr int kCalibrationBins = 10;
inline constexpr size_t kTopAttributions = 15;

struct CreditAnalysis {
  metrics::RocCurve roc;
  double auc = 0, gini = 0, pr_auc = 0, log_loss = 0, brier = 0;
  metrics::KsResult ks;
  metrics::ConfusionAt at_half;
  metrics::CostThreshold min_cost;
  std::vector<metrics::ReliabilityBin> reliability;
  std::optional<metrics::PsiResult> psi;                         // only with train scores
  std::vector<std::pair<std::string, double>> top_attributions;  // largest |value| first
};

// ValueError for any bad input (see write_credit_report); never writes anything.
CreditAnalysis analyze_credit(const CreditReportData& data);

}  // namespace deepfin::report::detail
