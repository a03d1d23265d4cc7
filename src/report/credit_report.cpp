// write_credit_report: analyse and build everything first (so bad input writes
// nothing), then the figures, then report.md last (so a report.md always has its figures).
#include "deepfin/report/credit_report.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "deepfin/base/error.h"
#include "deepfin/io/atomic_file.h"
#include "report/credit_analysis.h"
#include "report/credit_figures.h"
#include "report/credit_markdown.h"

namespace deepfin::report {

std::string format_metric(double value) {
  return fmt::format("{:.4f}", value);
}

void write_credit_report(const CreditReportData& data, const std::string& directory) {
  if (directory.empty()) throw ValueError("credit report: the output directory name is empty");
  const detail::CreditAnalysis analysis = detail::analyze_credit(data);
  const auto figures = detail::credit_figures(data, analysis);
  const std::string markdown = detail::credit_markdown(data, analysis);

  const std::filesystem::path dir(directory);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw FileError(fmt::format("credit report: cannot create directory '{}': {}", directory,
                                ec ? ec.message() : "a file of that name exists"));
  }
  for (const auto& [name, figure] : figures) figure.save((dir / name).string());
  io::write_file_atomic((dir / kReportFile).string(), markdown);
}

}  // namespace deepfin::report
