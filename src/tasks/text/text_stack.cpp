// Stacking the linear TF-IDF model with the neural text model: the linear model
// and the blend are fitted on disjoint rows, so the blend's weight reflects how
// each part does on texts it has not seen.
#include "tasks/text/text_stack.h"

#include <algorithm>
#include <map>

#include "deepfin/metrics/accuracy.h"
#include "tasks/text/cross_fit_members.h"

namespace deepfin::tasks::detail {
namespace {

std::vector<std::string> texts_at(const text::LabelledText& all, const std::vector<int64_t>& rows) {
  return select_texts(all, rows).texts;
}

std::vector<int64_t> ids_at(const std::vector<int64_t>& ids, const std::vector<int64_t>& rows) {
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (int64_t r : rows) out.push_back(ids[static_cast<size_t>(r)]);
  return out;
}

// What an inner cross-validation chose: C, and whether the features were NB-scaled.
using Choice = std::pair<double, bool>;

// The linear model the classifier keeps: refitted on every training text with the choice made.
void set_final_linear(text_model::TextClassifier& classifier, const text::LabelledText& train,
                      const std::vector<int64_t>& ids, const Choice& choice, const text_model::LinearBlend& blend,
                      const LinearSetup& setup) {
  auto vectorizer = text::TfidfVectorizer::fit(train.texts, setup.tfidf);
  const text_model::LinearTextOptions options{
      .c = choice.first,
      .features = choice.second ? text_model::LinearFeatures::nb_scaled : text_model::LinearFeatures::tfidf};
  auto linear = text_model::LinearTextModel::fit(vectorizer.transform(train.texts), ids,
                                                 classifier.labels().num_classes(), options);
  classifier.set_linear({std::move(vectorizer), std::move(linear), blend});
}

}  // namespace

text_model::LinearFeatures linear_features(const std::string& name) {
  if (name == "nb") return text_model::LinearFeatures::nb_scaled;
  if (name == "choose") return text_model::LinearFeatures::choose;
  return text_model::LinearFeatures::tfidf;
}

double argmax_accuracy(const Tensor& scores, const std::vector<int64_t>& truth) {
  metrics::Accuracy accuracy(metrics::AccuracyKind::sparse_categorical);
  accuracy.update_state(from_vector(truth, {static_cast<int64_t>(truth.size())}), scores);
  return accuracy.result();
}

TextValidation measure_gap(const text_model::TextClassifier& classifier, const text::LabelledText& train,
                           const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                           const std::vector<int64_t>& validation_rows) {
  TextValidation out;
  out.rows = static_cast<int64_t>(validation_rows.size());
  if (out.rows == 0) return out;
  out.train_accuracy = argmax_accuracy(classifier.predict_proba(texts_at(train, fit_rows)), ids_at(ids, fit_rows));
  out.accuracy =
      argmax_accuracy(classifier.predict_proba(texts_at(train, validation_rows)), ids_at(ids, validation_rows));
  return out;
}

TextValidation stack_linear(text_model::TextClassifier& classifier, const text::LabelledText& train,
                            const std::vector<int64_t>& ids, const std::vector<int64_t>& fit_rows,
                            const std::vector<int64_t>& validation_rows, const LinearSetup& setup) {
  const int64_t classes = classifier.labels().num_classes();
  const std::vector<std::string> fit_texts = texts_at(train, fit_rows), held_texts = texts_at(train, validation_rows);
  const std::vector<int64_t> fit_ids = ids_at(ids, fit_rows), held_ids = ids_at(ids, validation_rows);
  const auto vectorizer = text::TfidfVectorizer::fit(fit_texts, setup.tfidf);
  const auto linear =
      text_model::LinearTextModel::fit(vectorizer.transform(fit_texts), fit_ids, classes, {.features = setup.features});

  TextValidation out;
  out.rows = static_cast<int64_t>(validation_rows.size());
  const Tensor neural = classifier.neural_proba(held_texts);
  const Tensor decision = linear.decision(vectorizer.transform(held_texts));
  const text_model::LinearBlend blend = text_model::fit_blend(neural, decision, held_ids);
  out.neural_accuracy = argmax_accuracy(neural, held_ids);
  out.linear_accuracy = argmax_accuracy(decision, held_ids);
  out.accuracy = argmax_accuracy(text_model::blend_probabilities(neural, decision, blend), held_ids);

  set_final_linear(classifier, train, ids, {linear.c(), linear.nb_scaled()}, blend, setup);
  out.train_accuracy = argmax_accuracy(classifier.predict_proba(fit_texts), fit_ids);
  return out;
}

TextValidation stack_linear_cross_fitted(text_model::TextClassifier& classifier, const text::LabelledText& train,
                                         const std::vector<int64_t>& ids, const std::vector<data::FoldIndices>& folds,
                                         const Tensor& out_of_fold, const LinearSetup& setup) {
  const int64_t classes = classifier.labels().num_classes(), n = static_cast<int64_t>(ids.size());
  std::vector<double> decisions(static_cast<size_t>(n * classes), 0.0);
  std::map<Choice, int> chosen;  // (C, NB-scaled) -> folds that chose it
  for (const data::FoldIndices& fold : folds) {
    const std::vector<std::string> fit_texts = texts_at(train, fold.train);
    const auto vectorizer = text::TfidfVectorizer::fit(fit_texts, setup.tfidf);
    const auto linear = text_model::LinearTextModel::fit(vectorizer.transform(fit_texts), ids_at(ids, fold.train),
                                                         classes, {.features = setup.features});
    ++chosen[{linear.c(), linear.nb_scaled()}];
    place_rows(linear.decision(vectorizer.transform(texts_at(train, fold.test))), fold.test, decisions);
  }
  const Tensor decision = from_vector(decisions, {n, classes});
  const text_model::LinearBlend blend = text_model::fit_blend(out_of_fold, decision, ids);
  TextValidation out;
  out.rows = n;
  out.neural_accuracy = argmax_accuracy(out_of_fold, ids);
  out.linear_accuracy = argmax_accuracy(decision, ids);
  out.accuracy = argmax_accuracy(text_model::blend_probabilities(out_of_fold, decision, blend), ids);
  // std::map is ordered by C, then TF-IDF before NB: the first of the most chosen wins a tie.
  const auto most =
      std::max_element(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  set_final_linear(classifier, train, ids, most->first, blend, setup);
  out.train_accuracy = argmax_accuracy(classifier.predict_proba(train.texts), ids);
  return out;
}

TextValidation measure_cross_fitted_gap(const text_model::TextClassifier& classifier, const text::LabelledText& train,
                                        const std::vector<int64_t>& ids, const Tensor& out_of_fold) {
  TextValidation out;
  out.rows = static_cast<int64_t>(ids.size());
  out.accuracy = argmax_accuracy(out_of_fold, ids);
  out.train_accuracy = argmax_accuracy(classifier.predict_proba(train.texts), ids);
  return out;
}

}  // namespace deepfin::tasks::detail
