#include "deepfin/metrics/classification.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "deepfin/base/error.h"
#include "metrics/safe_ratio.h"

namespace deepfin::metrics {
namespace {

void check_ids(std::span<const int64_t> ids, const char* which, int64_t num_classes) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= num_classes) {
      throw IndexError(fmt::format("classification_report: {}[{}] = {} is outside the class ids [0, {})", which, i,
                                   ids[i], num_classes));
    }
  }
}

}  // namespace

int64_t ClassReport::num_samples() const {
  return std::accumulate(support.begin(), support.end(), int64_t{0});
}

ClassReport classification_report(std::span<const int64_t> y_true, std::span<const int64_t> y_pred,
                                  const std::vector<std::string>& names) {
  if (y_true.size() != y_pred.size()) {
    throw ShapeError(
        fmt::format("classification_report: y_true has {} labels but y_pred has {}", y_true.size(), y_pred.size()));
  }
  if (y_true.empty()) throw ValueError("classification_report: no samples");
  if (names.empty()) throw ValueError("classification_report: no class names");
  const auto k = static_cast<int64_t>(names.size());
  check_ids(y_true, "y_true", k);
  check_ids(y_pred, "y_pred", k);

  ClassReport report{.names = names};
  report.confusion.assign(names.size(), std::vector<int64_t>(names.size(), 0));
  for (size_t i = 0; i < y_true.size(); ++i)
    ++report.confusion[static_cast<size_t>(y_true[i])][static_cast<size_t>(y_pred[i])];

  const auto n = static_cast<int64_t>(y_true.size());
  int64_t correct = 0;
  for (size_t c = 0; c < names.size(); ++c) {
    const int64_t tp = report.confusion[c][c];
    const int64_t support = std::accumulate(report.confusion[c].begin(), report.confusion[c].end(), int64_t{0});
    int64_t predicted = 0;
    for (size_t r = 0; r < names.size(); ++r) predicted += report.confusion[r][c];
    const double p = detail::safe_ratio(tp, predicted), r = detail::safe_ratio(tp, support);
    report.precision.push_back(p);
    report.recall.push_back(r);
    report.f1.push_back(p + r > 0 ? 2 * p * r / (p + r) : 0.0);
    report.support.push_back(support);
    correct += tp;
    report.macro_f1 += report.f1.back() / static_cast<double>(k);
    report.weighted_f1 += report.f1.back() * static_cast<double>(support) / static_cast<double>(n);
  }
  report.accuracy = detail::safe_ratio(correct, n);
  return report;
}

std::string format_report(const ClassReport& report) {
  size_t width = std::string_view("weighted avg").size();
  for (const std::string& name : report.names) width = std::max(width, name.size());
  const auto k = static_cast<double>(report.num_classes());
  const int64_t n = report.num_samples();
  const auto mean = [&](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / k; };
  const auto weighted = [&](const std::vector<double>& v) {
    double sum = 0;
    for (size_t c = 0; c < v.size(); ++c) sum += v[c] * static_cast<double>(report.support[c]);
    return n > 0 ? sum / static_cast<double>(n) : 0.0;
  };
  std::string out =
      fmt::format("{:>{}} {:>9} {:>9} {:>9} {:>9}\n\n", "", width, "precision", "recall", "f1-score", "support");
  const auto row = [&](const std::string& name, double p, double r, double f, int64_t support) {
    out += fmt::format("{:>{}} {:>9.4f} {:>9.4f} {:>9.4f} {:>9}\n", name, width, p, r, f, support);
  };
  for (size_t c = 0; c < report.names.size(); ++c) {
    row(report.names[c], report.precision[c], report.recall[c], report.f1[c], report.support[c]);
  }
  out += fmt::format("\n{:>{}} {:>9} {:>9} {:>9.4f} {:>9}\n", "accuracy", width, "", "", report.accuracy, n);
  row("macro avg", mean(report.precision), mean(report.recall), report.macro_f1, n);
  row("weighted avg", weighted(report.precision), weighted(report.recall), report.weighted_f1, n);
  return out;
}

}  // namespace deepfin::metrics
