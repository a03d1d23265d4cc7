#pragma once
// The confusion matrix of a ClassReport as a heatmap figure (.png or .svg).
#include <cstdint>
#include <string>
#include <vector>

#include "deepfin/metrics/classification.h"

namespace deepfin::report {

// Up to this many classes both axes carry class names; past it rows read "id name" and columns the id.
inline constexpr int64_t kMaxNamedAxes = 4;
// Past this many classes (Banking77 has 77) every cell cannot hold its number at a readable size, so the
// figure shows the kMaxShownClasses classes with the most errors (as true or as predicted class).
inline constexpr int64_t kMaxShownClasses = 30;

// Rows are true classes, columns predicted ones. With `normalize` each cell is the percentage of the row's
// true class (of its whole support, also when only some classes are shown; a class with no examples
// stays 0), else cells are counts. ValueError for an empty or ragged report; FileError if the file cannot
// be written (and then no file is left).
void plot_confusion_matrix(const metrics::ClassReport& report, const std::string& path, bool normalize = true);

// The classes the figure shows, in id order: all of them up to kMaxShownClasses, else the
// kMaxShownClasses with the most misclassified examples (ties to the lower id).
std::vector<int64_t> confusion_figure_classes(const metrics::ClassReport& report);

}  // namespace deepfin::report
