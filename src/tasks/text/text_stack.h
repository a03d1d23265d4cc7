#pragma once
// The linear TF-IDF model stacked with a text task's neural model, and the
// train/validation accuracies of a fit (private to the text task).
#include <cstdint>
#include <vector>

#include "deepfin/data/tabular/stratified.h"
#include "deepfin/tasks/text_task.h"

namespace deepfin::tasks::detail {

// The linear model's features: the TF-IDF options, and what its SVMs see.
struct LinearSetup {
  text::TfidfOptions tfidf;
  text_model::LinearFeatures features = text_model::LinearFeatures::tfidf;
};

// "tfidf", "nb" or "choose" ([text] linear_features, checked by the job parser).
text_model::LinearFeatures linear_features(const std::string& name);

// Fits the linear model on the rows the neural members trained on (fit_rows),
// the blend on validation_rows, then refits the linear model on every row of
// `train` with the C and features chosen the first time, and stacks it. ids: class per row.
// setup: its features. Returns the accuracies of the stack and of each part.
TextValidation stack_linear(text_model::TextClassifier& classifier, const text::LabelledText& train,
                            const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                            const std::vector<int64_t>& validation_rows, const LinearSetup& setup);

// The same with cross-fitted members (cross_fit_members.h): a linear model per fold, each on
// the fold's training rows with C (and features) chosen by its own inner CV, gives every text an out-of-fold
// decision; the blend is fitted on all texts' out-of-fold neural probabilities and decisions.
// The final linear model sees every text, with the (C, features) most folds chose (on a tie,
// the smaller C, then plain TF-IDF).
// Accuracies are out of fold (the stacked one optimistic: the blend was fitted there);
// train_accuracy is the stack's on the training texts, each seen by all members but one.
TextValidation stack_linear_cross_fitted(text_model::TextClassifier& classifier, const text::LabelledText& train,
                                         const std::vector<int64_t>& ids, const std::vector<data::FoldIndices>& folds,
                                         const Tensor& out_of_fold, const LinearSetup& setup);

// Accuracy on fit_rows and validation_rows, without a linear model.
TextValidation measure_gap(const text_model::TextClassifier& classifier, const text::LabelledText& train,
                           const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                           const std::vector<int64_t>& validation_rows);

// Without a linear model: the out-of-fold accuracy, and the members' mean on the training texts.
TextValidation measure_cross_fitted_gap(const text_model::TextClassifier& classifier, const text::LabelledText& train,
                                        const std::vector<int64_t>& ids, const Tensor& out_of_fold);

// Accuracy of (N, C) probabilities or scores against class ids.
double argmax_accuracy(const Tensor& scores, const std::vector<int64_t>& truth);

}  // namespace deepfin::tasks::detail
