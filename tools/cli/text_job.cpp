#include "text_job.h"

#include <fmt/format.h>

#include <map>

#include "deepfin/core/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/fashion_mnist.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/ops/shape_ops.h"
#include "fit_options.h"
#include "model_builder.h"

namespace deepfin::cli {
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

}  // namespace

text::LabelledText read_labelled(const TextSpec& spec, const std::string& path) {
  if (spec.format == "phrasebank") return text::read_phrasebank(path, spec.encoding);
  return text::read_text_csv(path, spec.text_column, spec.label_column, spec.encoding);
}

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

std::vector<int64_t> label_classes(const std::vector<std::string>& labels) {
  return text::LabelEncoder::fit(labels).encode(labels);
}

TextFit fit_text(const JobSpec& job, const text::LabelledText& train, int verbose) {
  const TextSpec& spec = job.text;
  text::TokenizerOptions options;
  options.vocab_size = spec.vocab_size;
  options.min_frequency = spec.min_frequency;
  options.normalizer.lowercase = spec.lowercase;
  options.normalizer.strip_accents = spec.strip_accents;
  text::Tokenizer tokenizer = text::Tokenizer::train(train.texts, options);
  text::LabelEncoder labels = text::LabelEncoder::fit(train.labels);
  const text::NgramOptions ngrams{.order = spec.ngrams, .buckets = spec.ngrams > 1 ? spec.ngram_buckets : 0};
  const nlohmann::json model_json = sized_model(job, tokenizer.vocab_size() + ngrams.buckets, labels.num_classes());
  auto new_model = [&] {
    auto model = std::dynamic_pointer_cast<models::Sequential>(model_from_json(model_json));
    if (!model) throw ConfigError(fmt::format("{}: text jobs need a Sequential model", job.file.string()));
    model->compile(compile_options_from_json(job.compile));
    if (!model->built()) model->build(Shape{spec.max_length});
    return model;
  };
  text::TextClassifier classifier(std::move(tokenizer), labels, spec.max_length, new_model());
  classifier.set_threshold(spec.confidence_threshold);
  classifier.set_ngrams(ngrams);

  int64_t truncated = 0;
  const Tensor x = classifier.encode(train.texts, &truncated);
  const std::vector<int64_t> ids = labels.encode(train.labels);
  const Tensor y = from_vector(ids, {static_cast<int64_t>(ids.size())});
  data::Dataset parts{x, y, {}, {}};
  nlohmann::json fit = job.fit;
  if (!fit.contains("validation")) fit["validation"] = fit.value("validation_split", 0.0) > 0 ? "split" : "none";
  if (fit.at("validation") == "test")
    throw ConfigError(
        fmt::format("{}: [fit] validation = \"test\" is not available for text jobs; use "
                    "validation_split or \"none\"",
                    job.file.string()));
  if (verbose >= 0) fit["verbose"] = verbose;
  if (fit.contains("class_weight") && fit.at("class_weight").is_string()) {
    if (fit.at("class_weight") != "balanced")
      throw ConfigError(fmt::format("{}: [fit] class_weight must be \"balanced\" or a table", job.file.string()));
    // scikit-learn's rule: n_samples / (n_classes * n_c).
    std::map<int64_t, double> count;
    for (int64_t c : ids) count[c] += 1;
    nlohmann::json weights = nlohmann::json::object();
    for (const auto& [c, n] : count)
      weights[std::to_string(c)] = static_cast<double>(ids.size()) / (static_cast<double>(count.size()) * n);
    fit["class_weight"] = weights;
  }
  const double validation_split = fit.value("validation_split", 0.0);
  if (validation_split > 0) {
    // Keras holds out the last rows, but labelled text files are often sorted by
    // label (Banking77 is), which would leave whole classes out of training. Hold
    // out a stratified random share instead.
    const auto split = data::stratified_split(ids, validation_split, default_generator().next_u64());
    const auto rows = [&](const std::vector<int64_t>& r, const Tensor& t) {
      return gather(t, from_vector(r, {static_cast<int64_t>(r.size())}), 0);
    };
    parts = {rows(split.train, x), rows(split.train, y), rows(split.test, x), rows(split.test, y)};
    fit.erase("validation_split");
    fit["validation"] = "test";
  }
  // Members are trained one after another from the one random stream, so each
  // starts from other weights and sees other shuffles; the run stays reproducible.
  train::History history =
      classifier.model().fit(parts.x_train, parts.y_train, fit_options_from_json(fit, parts, job.output.history_csv));
  for (int64_t m = 1; m < spec.ensemble; ++m) {
    classifier.add_member(new_model());
    classifier.members().back()->fit(parts.x_train, parts.y_train, fit_options_from_json(fit, parts, ""));
  }
  return TextFit{std::move(classifier), std::move(history), truncated};
}

metrics::ClassReport evaluate_text(const text::TextClassifier& classifier, const text::LabelledText& test) {
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
  const auto predictions = classifier.predict(test.texts);
  std::vector<int64_t> predicted;
  for (const auto& p : predictions) predicted.push_back(labels.encode(p.label));
  return metrics::classification_report(truth, predicted, labels.classes);
}

}  // namespace deepfin::cli
