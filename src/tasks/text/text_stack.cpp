// Stacking the linear TF-IDF model with the neural text model: the linear model
// and the blend are fitted on disjoint rows, so the blend's weight reflects how
// each part does on texts it has not seen.
#include "tasks/text/text_stack.h"

#include "deepfin/metrics/accuracy.h"

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

}  // namespace

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
                            const std::vector<int64_t>& validation_rows, const text::TfidfOptions& options) {
  const int64_t classes = classifier.labels().num_classes();
  const std::vector<std::string> fit_texts = texts_at(train, fit_rows), held_texts = texts_at(train, validation_rows);
  const std::vector<int64_t> fit_ids = ids_at(ids, fit_rows), held_ids = ids_at(ids, validation_rows);
  const auto vectorizer = text::TfidfVectorizer::fit(fit_texts, options);
  const auto linear = text_model::LinearTextModel::fit(vectorizer.transform(fit_texts), fit_ids, classes);

  TextValidation out;
  out.rows = static_cast<int64_t>(validation_rows.size());
  const Tensor neural = classifier.neural_proba(held_texts);
  const Tensor decision = linear.decision(vectorizer.transform(held_texts));
  const text_model::LinearBlend blend = text_model::fit_blend(neural, decision, held_ids);
  out.neural_accuracy = argmax_accuracy(neural, held_ids);
  out.linear_accuracy = argmax_accuracy(decision, held_ids);
  out.accuracy = argmax_accuracy(text_model::blend_probabilities(neural, decision, blend), held_ids);

  // The final linear model sees every training text, at the C chosen above.
  auto all_vectorizer = text::TfidfVectorizer::fit(train.texts, options);
  auto all_linear =
      text_model::LinearTextModel::fit(all_vectorizer.transform(train.texts), ids, classes, {.c = linear.c()});
  classifier.set_linear({std::move(all_vectorizer), std::move(all_linear), blend});
  out.train_accuracy = argmax_accuracy(classifier.predict_proba(fit_texts), fit_ids);
  return out;
}

}  // namespace deepfin::tasks::detail
