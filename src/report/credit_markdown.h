#pragma once
// The text of the credit report (report.md).
#include <string>

#include "report/credit_analysis.h"

namespace deepfin::report::detail {

std::string credit_markdown(const CreditReportData& data, const CreditAnalysis& analysis);

}  // namespace deepfin::report::detail
