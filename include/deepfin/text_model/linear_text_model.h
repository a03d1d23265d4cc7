#pragma once
// A linear classifier on sparse features (TF-IDF of texts): one-vs-rest
// L2-regularized linear SVMs with the squared hinge loss and a bias, trained by
// LIBLINEAR's dual coordinate descent (the solver behind scikit-learn's
// LinearSVC, which the text floors use). Unless the options fix C, it is chosen
// from C = 1/8, 1/2, 2, 8 by stratified k-fold cross-validation accuracy on the
// training rows alone (the smaller C on a tie). Each class's features may be scaled
// by naive-Bayes ratios first (NB-SVM, LinearFeatures); the scaling is folded into
// the weights, so scoring is the same either way. Its scores are decision values,
// not probabilities; linear_blend.h turns them into probabilities. The weights
// are copied out, so scoring, saving and loading need no LIBLINEAR state.
#include <cstdint>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/text/tfidf.h"

namespace deepfin::text_model {

// What each class's SVM sees. `tfidf`: the features as they are. `nb_scaled`: each
// feature times its naive-Bayes log-count ratio for that class, log((p_j/|p|)/(q_j/|q|))
// with p_j (q_j) 1 + the rows of (not of) the class where feature j occurs: NB-SVM (Wang &
// Manning 2012, "Baselines and Bigrams"), strong on sentiment, weaker on many-class intents.
// `choose`: whichever of the two the inner cross-validation that chooses C prefers (tfidf on a tie).
enum class LinearFeatures { tfidf, nb_scaled, choose };

struct LinearTextOptions {
  double c = 0;                                     // the inverse regularization strength; 0: chosen by CV
  LinearFeatures features = LinearFeatures::tfidf;  // what each class's SVM sees (above)
  int64_t cv_folds = 4;                             // folds of that choice (C is 1 when a class has fewer rows)
  uint64_t seed = 0;                                // of the folds
  double tolerance = 0.1;                           // LIBLINEAR's stopping tolerance (its default for this solver)
};

class LinearTextModel {
 public:
  // Fits classes 0..classes-1 from labels y (one per row, every class present).
  // ValueError for fewer than two classes, a missing class, a bad label or a row count mismatch.
  static LinearTextModel fit(const text::SparseRows& x, const std::vector<int64_t>& y, int64_t classes,
                             const LinearTextOptions& options = {});
  // A model from its parts: weights (features, classes) and bias (classes), float32 or float64.
  // ValueError unless the shapes agree.
  LinearTextModel(Tensor weights, Tensor bias, double c, bool nb_scaled = false);

  // (N, classes) float64 decision values x·w_k + b_k. ValueError if x has another column count.
  Tensor decision(const text::SparseRows& x) const;

  int64_t num_features() const { return weights_.size(0); }
  int64_t num_classes() const { return weights_.size(1); }
  double c() const { return c_; }
  bool nb_scaled() const { return nb_scaled_; }       // trained on NB-scaled features
  const Tensor& weights() const { return weights_; }  // (features, classes) float32
  const Tensor& bias() const { return bias_; }        // (classes) float32

 private:
  Tensor weights_, bias_;
  double c_ = 0;
  bool nb_scaled_ = false;
};

}  // namespace deepfin::text_model
