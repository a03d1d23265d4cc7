#pragma once
// Cross-fitted ensemble members ([text] cross_fit, private to the text task): member m
// of k trains on every fold of the training texts but the m-th and stops early on it.
// Together the members see every text, and every text has a prediction from a member
// that did not train on it, so a stack's blend can be fitted on all of them rather
// than on one small held-out share.
#include <functional>
#include <memory>
#include <vector>

#include "deepfin/data/tabular/stratified.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/text_model/text_classifier.h"
#include "deepfin/train/callback.h"

namespace deepfin::tasks::detail {

struct CrossFitted {
  train::History history;  // of the first member
  Tensor out_of_fold;      // (N, classes) float64: each text's probabilities from the member that held it out
};

// Copies (rows.size(), C) values into row rows[i] of a row-major (N, C) buffer.
void place_rows(const Tensor& values, const std::vector<int64_t>& rows, std::vector<double>& into);

// The classifier holds the first member; new_member makes each further one. x: (N, max_length) ids,
// ids: class per text. fit: the job's [fit], early stopping already set; its history_csv is the first
// member's. The fold of member m is folds[m].
CrossFitted fit_cross_fitted_members(text_model::TextClassifier& classifier, const Tensor& x,
                                     const std::vector<int64_t>& ids, const std::vector<data::FoldIndices>& folds,
                                     const FitSpec& fit, const std::string& history_csv, int verbose,
                                     const std::function<std::shared_ptr<models::Sequential>()>& new_member);

}  // namespace deepfin::tasks::detail
