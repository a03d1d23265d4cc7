#pragma once
// The fair-lending section of report.md and its figure (fairness.png).
#include <string>

#include "deepfin/plot/figure.h"
#include "deepfin/report/credit_report.h"

namespace deepfin::report::detail {

std::string fairness_section(const FairnessReportData& f);
// The adverse impact ratio of every measured group, against the four-fifths line.
plot::Figure fairness_figure(const FairnessReportData& f);

}  // namespace deepfin::report::detail
