#pragma once
// The linear TF-IDF model stacked with a text task's neural model, and the
// train/validation accuracies of a fit (private to the text task).
#include <cstdint>
#include <vector>

#include "deepfin/tasks/text_task.h"

namespace deepfin::tasks::detail {

// Fits the linear model on the rows the neural members trained on (fit_rows),
// the blend on validation_rows, then refits the linear model on every row of
// `train` with the C chosen the first time, and stacks it. ids: class per row.
// options: the TF-IDF features. Returns the accuracies of the stack and of each part.
TextValidation stack_linear(text_model::TextClassifier& classifier, const text::LabelledText& train,
                            const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                            const std::vector<int64_t>& validation_rows, const text::TfidfOptions& options);

// Accuracy on fit_rows and validation_rows, without a linear model.
TextValidation measure_gap(const text_model::TextClassifier& classifier, const text::LabelledText& train,
                           const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                           const std::vector<int64_t>& validation_rows);

// Accuracy of (N, C) probabilities or scores against class ids.
double argmax_accuracy(const Tensor& scores, const std::vector<int64_t>& truth);

}  // namespace deepfin::tasks::detail
