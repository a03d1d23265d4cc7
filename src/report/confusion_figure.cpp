#include "deepfin/report/confusion_figure.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "deepfin/base/error.h"
#include "deepfin/plot/figure.h"

namespace deepfin::report {
namespace {

// The figure sizes its left margin at 10 px per label character, but glyphs here are ~12.5 px wide; leading
// spaces (invisible in a right-aligned label) buy the missing room. The figure cuts labels at 24 characters.
constexpr size_t kMaxRowLabelChars = 18;
constexpr std::string_view kMarginPad = "      ";

std::string shorten(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  size_t cut = max_chars - 2;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return text.substr(0, cut) + "..";
}

void check_report(const metrics::ClassReport& report) {
  const auto k = static_cast<size_t>(report.num_classes());
  if (k == 0) throw ValueError("plot_confusion_matrix: the report has no classes");
  if (report.confusion.size() != k) {
    throw ValueError(fmt::format("plot_confusion_matrix: the report has {} class names but {} confusion rows", k,
                                 report.confusion.size()));
  }
  for (size_t r = 0; r < k; ++r) {
    if (report.confusion[r].size() != k) {
      throw ValueError(fmt::format("plot_confusion_matrix: confusion row {} has {} cells, expected {}", r,
                                   report.confusion[r].size(), k));
    }
  }
}

}  // namespace

std::vector<int64_t> confusion_figure_classes(const metrics::ClassReport& report) {
  check_report(report);
  const int64_t k = report.num_classes();
  std::vector<int64_t> classes(static_cast<size_t>(k));
  std::iota(classes.begin(), classes.end(), 0);
  if (k <= kMaxShownClasses) return classes;
  std::vector<int64_t> errors(static_cast<size_t>(k), 0);  // off-diagonal counts in the row and the column
  for (size_t r = 0; r < errors.size(); ++r) {
    for (size_t c = 0; c < errors.size(); ++c) {
      if (r != c) errors[r] += report.confusion[r][c], errors[c] += report.confusion[r][c];
    }
  }
  std::stable_sort(classes.begin(), classes.end(), [&](int64_t a, int64_t b) {
    return errors[static_cast<size_t>(a)] > errors[static_cast<size_t>(b)];
  });
  classes.resize(static_cast<size_t>(kMaxShownClasses));
  std::sort(classes.begin(), classes.end());
  return classes;
}

void plot_confusion_matrix(const metrics::ClassReport& report, const std::string& path, bool normalize) {
  const std::vector<int64_t> shown = confusion_figure_classes(report);
  const int64_t k = report.num_classes();
  std::vector<std::vector<double>> cells;
  std::vector<std::string> row_labels, col_labels;
  for (const int64_t r : shown) {
    const auto& row = report.confusion[static_cast<size_t>(r)];
    const int64_t support = std::accumulate(row.begin(), row.end(), int64_t{0});
    std::vector<double>& out = cells.emplace_back();
    for (const int64_t c : shown) {
      const auto count = static_cast<double>(row[static_cast<size_t>(c)]);
      // Whole percents: the figure writes integers compactly, so many cells stay legible.
      out.push_back(!normalize ? count : support > 0 ? std::round(100.0 * count / static_cast<double>(support)) : 0.0);
    }
    const std::string& name = report.names[static_cast<size_t>(r)];
    // Rows carry the name (with the id once columns show ids), cut to fit the margin; past 20 shown
    // classes ids go on every other column so that they do not touch.
    const std::string row_label = k <= kMaxNamedAxes ? name : fmt::format("{} {}", r, name);
    row_labels.push_back(std::string(kMarginPad) + shorten(row_label, kMaxRowLabelChars));
    const bool labelled = shown.size() <= 20 || col_labels.size() % 2 == 0;
    col_labels.push_back(k <= kMaxNamedAxes ? name : labelled ? std::to_string(r) : "");
  }
  const char* unit = normalize ? " (% of each true class)" : "";
  const std::string title = static_cast<int64_t>(shown.size()) < k
                                ? fmt::format("{} most-confused of {} classes{}", shown.size(), k, unit)
                                : fmt::format("Confusion matrix, {} examples{}", report.num_samples(), unit);
  // PLplot text grows with the image, so a bigger image does not give the cells more room for their numbers.
  plot::Figure(title, "predicted class", "true class")
      .heatmap(std::move(cells), std::move(row_labels), std::move(col_labels))
      .size(k <= kMaxNamedAxes ? 900 : 1100, k <= kMaxNamedAxes ? 700 : 800)
      .save(path);
}

}  // namespace deepfin::report
