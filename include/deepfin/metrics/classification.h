#pragma once
// Multi-class classification report from class ids, like scikit-learn's
// classification_report and confusion_matrix with labels = 0..K-1 and
// zero_division = 0: a class never predicted has precision 0, a class never
// present has recall 0, and F1 is 0 when precision + recall is 0. Every class
// counts in the macro average, present or not.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace deepfin::metrics {

struct ClassReport {
  std::vector<std::string> names;  // one per class, id order
  std::vector<double> precision{}, recall{}, f1{};
  std::vector<int64_t> support{};  // true examples per class
  double accuracy = 0, macro_f1 = 0, weighted_f1 = 0;
  std::vector<std::vector<int64_t>> confusion{};  // confusion[true][predicted]

  int64_t num_classes() const { return static_cast<int64_t>(names.size()); }
  int64_t num_samples() const;
};

// ShapeError if the spans differ in length; ValueError if they are empty or `names` is; IndexError naming
// the position and the value of an id outside [0, names.size()).
ClassReport classification_report(std::span<const int64_t> y_true, std::span<const int64_t> y_pred,
                                  const std::vector<std::string>& names);

// A text table like scikit-learn's (four decimals): one row per class with precision, recall, f1-score and
// support, then accuracy, macro avg and weighted avg.
std::string format_report(const ClassReport& report);

}  // namespace deepfin::metrics
