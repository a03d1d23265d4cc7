#pragma once
// The credit report's figures, built (and so validated) before anything is saved.
#include <string>
#include <utility>
#include <vector>

#include "deepfin/plot/figure.h"
#include "report/credit_analysis.h"

namespace deepfin::report::detail {

// (file name, figure) pairs: ROC, KS, calibration, score distribution, and attributions when there are any.
std::vector<std::pair<std::string, plot::Figure>> credit_figures(const CreditReportData& data,
                                                                 const CreditAnalysis& analysis);

}  // namespace deepfin::report::detail
