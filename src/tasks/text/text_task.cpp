// The text task's data and fit: labelled texts, their stratified splits, and one
// fit of tokenizer, labels and model (or an ensemble of models).
#include "deepfin/tasks/text_task.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/ops/shape_ops.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/model_factory.h"
#include "tasks/text/cross_fit_members.h"
#include "tasks/text/pretrained_body.h"
#include "tasks/text/text_stack.h"

namespace deepfin::tasks {
namespace {

// Sizes the job leaves to the data: the vocabulary and the number of classes.
nlohmann::json sized_model(const JobSpec& job, int64_t vocab_size, int64_t classes) try {
  nlohmann::json model = job.model;
  nlohmann::json& layers = model["config"]["layers"];
  if (!layers.is_array() || layers.empty())
    throw ConfigError(fmt::format("{}: [model] needs layers", job.file.string()));
  for (auto& layer : layers) {
    if (layer.value("class_name", "") != "Embedding") continue;
    nlohmann::json& config = layer["config"];
    if (!config.contains("input_dim") || config["input_dim"] == 0) config["input_dim"] = vocab_size;
    break;
  }
  nlohmann::json& last = layers.back()["config"];
  if (!last.contains("units") || last["units"] == 0) last["units"] = classes;
  return model;
} catch (const nlohmann::json::exception& e) {  // config = "x", layers = ["Dense"]
  throw ConfigError(fmt::format("{}: [model] has a value of the wrong type: {}", job.file.string(), e.what()));
}

std::vector<int64_t> label_classes(const std::vector<std::string>& labels) {
  return text::LabelEncoder::fit(labels).encode(labels);
}

Tensor rows_of(const Tensor& t, const std::vector<int64_t>& rows) {
  return gather(t, from_vector(rows, {static_cast<int64_t>(rows.size())}), 0);
}

// With held-out texts, training stops when their loss has not improved for 2
// epochs and keeps the best weights, unless the job says otherwise: a fixed epoch
// count tuned on one set of texts overfits another.
FitSpec with_early_stopping(FitSpec fit) {
  if (!fit.early_stopping && !fit.early_stopping_off)
    fit.early_stopping = train::EarlyStoppingOptions{.patience = 2, .restore_best_weights = true};
  return fit;
}

// [text] cross_fit: one member per fold, held out from it (cross_fit_members.h).
TextFit fit_cross_fitted(const JobSpec& job, text_model::TextClassifier classifier, const text::LabelledText& train,
                         const Tensor& x, const std::vector<int64_t>& ids, int64_t truncated,
                         const detail::LinearSetup& linear,
                         const std::function<std::shared_ptr<models::Sequential>()>& new_member, int verbose) {
  const int64_t k = job.text.ensemble;
  std::vector<int64_t> per_class(static_cast<size_t>(classifier.labels().num_classes()), 0);
  for (int64_t id : ids) ++per_class[static_cast<size_t>(id)];
  for (size_t c = 0; c < per_class.size(); ++c)
    if (per_class[c] < k)
      throw ConfigError(
          fmt::format("{}: [text] cross_fit = true with ensemble = {} needs at least {} training texts of every label; "
                      "'{}' has {}",
                      job.file.string(), k, k, classifier.labels().decode(static_cast<int64_t>(c)), per_class[c]));
  const auto folds = data::stratified_kfold(ids, static_cast<int>(k), default_generator().next_u64());
  FitSpec fit = with_early_stopping(job.fit);
  fit.validation_split = 0.0;
  detail::CrossFitted fitted =
      detail::fit_cross_fitted_members(classifier, x, ids, folds, fit, job.output.history_csv, verbose, new_member);
  const TextValidation measured =
      job.text.linear == "stack"
          ? detail::stack_linear_cross_fitted(classifier, train, ids, folds, fitted.out_of_fold, linear)
          : detail::measure_cross_fitted_gap(classifier, train, ids, fitted.out_of_fold);
  return TextFit{std::move(classifier), std::move(fitted.history), truncated, measured};
}

}  // namespace

text::LabelledText select_texts(const text::LabelledText& all, const std::vector<int64_t>& rows) {
  text::LabelledText out;
  out.source = all.source;
  for (int64_t r : rows) {
    out.texts.push_back(all.texts[r]);
    out.labels.push_back(all.labels[r]);
    out.lines.push_back(all.lines[r]);
  }
  return out;
}

TextTask::TextTask(JobSpec job) : job_(std::move(job)) {
  if (!job_.data.text())
    throw ConfigError(
        fmt::format("{}: the text task works on text data (source is \"{}\")", job_.file.string(), job_.data.source));
  if (job_.fit.validation == FitSpec::Validation::test)
    throw ConfigError(
        fmt::format("{}: [fit] validation = \"test\" is not available for text jobs; use "
                    "validation_split or \"none\"",
                    job_.file.string()));
  if (job_.text.linear == "stack" && job_.fit.privacy)
    throw ConfigError(
        fmt::format("{}: [text] linear = \"stack\" with [privacy]: the linear model is not trained "
                    "with DP-SGD; set linear = \"none\"",
                    job_.file.string()));
  if (job_.text.cross_fit && (job_.fit.validation == FitSpec::Validation::none || job_.fit.validation_split > 0))
    throw ConfigError(
        fmt::format("{}: [text] cross_fit = true holds out one fold of the training texts per ensemble member; "
                    "[fit] validation = \"none\" and validation_split do not apply with it",
                    job_.file.string()));
  if (job_.text.linear == "stack" && job_.fit.validation == FitSpec::Validation::none)
    throw ConfigError(
        fmt::format("{}: [text] linear = \"stack\" fits its blend on held-out texts, but [fit] validation is "
                    "\"none\"; use validation_split (0.1 when 0) or linear = \"none\"",
                    job_.file.string()));
  if (!job_.text.lexicon.empty()) {  // read once here, not in every fit of cv or tune
    text::NormalizerOptions normalizer;
    normalizer.lowercase = job_.text.lowercase;
    normalizer.strip_accents = job_.text.strip_accents;
    lexicon_ = text::Lexicon::read_cat(job_.text.lexicon, normalizer);
  }
}

TextTask::TextTask(JobSpec job, text::LabelledText texts) : TextTask(std::move(job)) {
  texts_ = std::move(texts);
}

text::LabelledText TextTask::training_texts() const {
  return texts_ ? *texts_ : read(job_.text.train);
}

text::LabelledText TextTask::read(const std::string& path) const {
  const TextSpec& spec = job_.text;
  if (spec.format == "phrasebank") return text::read_phrasebank(path, spec.encoding);
  return text::read_text_csv(path, spec.text_column, spec.label_column, spec.encoding);
}

TextSplit TextTask::split(uint64_t seed) const {
  text::LabelledText all = training_texts();
  if (!texts_ && !job_.text.test.empty()) return {std::move(all), read(job_.text.test)};
  const auto parts = data::stratified_split(label_classes(all.labels), job_.text.test_split, seed);
  return {select_texts(all, parts.train), select_texts(all, parts.test)};
}

TextFit TextTask::fit(const text::LabelledText& train, int verbose) const {
  const TextSpec& spec = job_.text;
  text::TokenizerOptions options;
  options.vocab_size = spec.vocab_size;
  options.min_frequency = spec.min_frequency;
  options.normalizer.lowercase = spec.lowercase;
  options.normalizer.strip_accents = spec.strip_accents;
  text::LabelEncoder labels = text::LabelEncoder::fit(train.labels);
  const text::NgramOptions ngrams{.order = spec.ngrams, .buckets = spec.ngrams > 1 ? spec.ngram_buckets : 0};
  // From a language model (pretrained here or loaded): its tokenizer and body; else a WordPiece learned here.
  std::optional<detail::PretrainedBody> body;
  std::optional<text::Tokenizer> wordpiece;
  if (job_.model.contains("pretrain")) {  // pretrained here on the fit's texts alone
    body = detail::pretrain_body(job_, train.texts, spec.max_length, [verbose](const std::string& line) {
      if (verbose > 0) fmt::print("body: {}\n", line);
    });
  } else if (job_.model.contains("pretrained")) {
    body = detail::load_pretrained_body(job_, spec.max_length);
  } else {
    wordpiece = text::Tokenizer::train(train.texts, options);
  }
  const nlohmann::json model_json =
      body ? detail::body_model_json(job_, *body, labels.num_classes())
           : sized_model(job_, wordpiece->vocab_size() + ngrams.buckets, labels.num_classes());
  auto new_model = [&] {
    auto model = sequential_from_json(model_json, job_, "text");
    model->compile(compile_options_from_json(job_.compile));
    if (!model->built()) model->build(Shape{spec.max_length});
    if (body) {
      detail::load_body_weights(*model, *body);
      detail::set_discriminative_rates(*model, job_);
    }
    return model;
  };
  text_model::TextClassifier classifier =
      body ? text_model::TextClassifier(*body->tokenizer, labels, spec.max_length, new_model())
           : text_model::TextClassifier(std::move(*wordpiece), labels, spec.max_length, new_model());
  classifier.set_threshold(spec.confidence_threshold);
  try {
    classifier.set_replies(spec.replies);
  } catch (const ValueError& e) {
    throw ConfigError(fmt::format("{}: [replies]: {}", job_.file.string(), e.what()));
  }
  if (body && ngrams.order > 1)
    throw ConfigError(
        fmt::format("{}: [text] ngrams does not apply with [model] pretrained (its byte-level BPE has no "
                    "hashed n-grams)",
                    job_.file.string()));
  classifier.set_ngrams(ngrams);

  int64_t truncated = 0;
  Tensor x = classifier.encode(train.texts, &truncated);
  const std::vector<int64_t> ids = labels.encode(train.labels);
  Tensor y = from_vector(ids, {static_cast<int64_t>(ids.size())});
  // Keras holds out the last rows, but labelled text files are often sorted by
  // label (Banking77 is), which would leave whole classes out of training. A
  // validation share is held out stratified at random instead.
  FitSpec spec_fit = job_.fit;
  const bool stack = spec.linear == "stack";
  detail::LinearSetup linear{.tfidf = {}, .features = detail::linear_features(spec.linear_features)};
  linear.tfidf.normalizer = options.normalizer;
  linear.tfidf.lexicon = lexicon_;
  if (spec.cross_fit)
    return fit_cross_fitted(job_, std::move(classifier), train, x, ids, truncated, linear, new_model, verbose);
  const double share = stack && spec_fit.validation_split == 0 ? 0.1 : spec_fit.validation_split;
  std::optional<std::pair<Tensor, Tensor>> validation;
  std::vector<int64_t> fit_rows(ids.size()), validation_rows;
  for (size_t i = 0; i < ids.size(); ++i) fit_rows[i] = static_cast<int64_t>(i);
  if (spec_fit.validation != FitSpec::Validation::none && share > 0) {
    const auto parts = data::stratified_split(ids, share, default_generator().next_u64());
    validation = std::make_pair(rows_of(x, parts.test), rows_of(y, parts.test));
    x = rows_of(x, parts.train);
    y = rows_of(y, parts.train);
    fit_rows = parts.train;
    validation_rows = parts.test;
  }
  spec_fit.validation_split = 0.0;
  if (validation) spec_fit = with_early_stopping(spec_fit);
  // Members are trained one after another from the one random stream, so each
  // starts from other weights and sees other shuffles; the run stays reproducible.
  // Balanced class weights count every training text (the validation share too).
  train::History history =
      classifier.model().fit(x, y, fit_options(spec_fit, validation, ids, job_.output.history_csv, verbose));
  for (int64_t m = 1; m < spec.ensemble; ++m) {
    classifier.add_member(new_model());
    models::FitOptions member = fit_options(spec_fit, validation, ids, "", verbose);
    if (member.checkpoint) member.checkpoint->directory += fmt::format("/member-{}", m + 1);  // each its own
    classifier.members().back()->fit(x, y, member);
  }
  const TextValidation measured = stack
                                      ? detail::stack_linear(classifier, train, ids, fit_rows, validation_rows, linear)
                                      : detail::measure_gap(classifier, train, ids, fit_rows, validation_rows);
  return TextFit{std::move(classifier), std::move(history), truncated, measured};
}

metrics::ClassReport TextTask::evaluate(const text_model::TextClassifier& classifier,
                                        const text::LabelledText& test) const {
  const text::LabelEncoder& labels = classifier.labels();
  std::vector<int64_t> truth;
  for (size_t i = 0; i < test.labels.size(); ++i) {
    bool known = false;
    for (const auto& c : labels.classes) known |= c == test.labels[i];
    if (!known)
      throw ConfigError(fmt::format("{}:{}: label '{}' does not occur in the training data ({} labels known)",
                                    test.source, test.lines[i], test.labels[i], labels.num_classes()));
    truth.push_back(labels.encode(test.labels[i]));
  }
  std::vector<int64_t> predicted;
  for (const auto& p : classifier.predict(test.texts)) predicted.push_back(labels.encode(p.label));
  return metrics::classification_report(truth, predicted, labels.classes);
}

TextCvResult TextTask::cross_validate(int folds, uint64_t seed, const Progress& progress) const {
  const text::LabelledText all = training_texts();
  const auto parts = data::stratified_kfold(label_classes(all.labels), folds, seed);
  TextCvResult out;
  for (size_t k = 0; k < parts.size(); ++k) {
    set_random_seed(seed + k);
    nn::clear_session();
    TextFit fitted = fit(select_texts(all, parts[k].train), 0);
    const auto report = evaluate(fitted.classifier, select_texts(all, parts[k].test));
    out.accuracy.push_back(report.accuracy);
    out.macro_f1.push_back(report.macro_f1);
    if (const auto& linear = fitted.classifier.linear()) {
      const text::LabelledText test = select_texts(all, parts[k].test);
      const std::vector<int64_t> truth = fitted.classifier.labels().encode(test.labels);
      out.neural_accuracy.push_back(detail::argmax_accuracy(fitted.classifier.neural_proba(test.texts), truth));
      out.linear_accuracy.push_back(
          detail::argmax_accuracy(linear->model.decision(linear->vectorizer.transform(test.texts)), truth));
    }
    nlohmann::json event{
        {"event", "fold"}, {"fold", k + 1}, {"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}};
    std::string parts_alone;
    if (fitted.classifier.linear()) {  // each part's accuracy on this fold, so the stack can be paired with them
      event["neural_accuracy"] = out.neural_accuracy.back();
      event["linear_accuracy"] = out.linear_accuracy.back();
      parts_alone = fmt::format(" (neural alone {:.4f}, linear alone {:.4f})", out.neural_accuracy.back(),
                                out.linear_accuracy.back());
    }
    report_progress(progress,
                    fmt::format("fold {:>2}/{}: accuracy {:.4f} macro-F1 {:.4f}{}", k + 1, parts.size(),
                                report.accuracy, report.macro_f1, parts_alone),
                    event);
  }
  out.accuracy_summary = mean_std(out.accuracy);
  out.macro_f1_summary = mean_std(out.macro_f1);
  if (!out.neural_accuracy.empty()) {
    out.neural_summary = mean_std(out.neural_accuracy);
    out.linear_summary = mean_std(out.linear_accuracy);
  }
  return out;
}

}  // namespace deepfin::tasks
