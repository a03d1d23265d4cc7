#include "deepfin/text_model/text_classifier.h"

#include <fmt/format.h>

#include "deepfin/core/error.h"

namespace deepfin::text {
namespace {

constexpr const char* kAttachment = "text";

}  // namespace

TextClassifier::TextClassifier(Tokenizer tokenizer, LabelEncoder labels, int64_t max_length,
                               std::shared_ptr<models::Sequential> model)
    : tokenizer_(std::move(tokenizer)), labels_(std::move(labels)), max_length_(max_length), model_(std::move(model)) {
  if (!model_) throw ValueError("TextClassifier: no model given");
  if (max_length_ < 1) throw ConfigError(fmt::format("TextClassifier: max_length must be >= 1, got {}", max_length_));
  const auto layers = model_->layers();
  if (layers.empty() || layers.back()->activation() != "softmax")
    throw ConfigError(fmt::format("text model '{}': the last layer must be Dense(classes, activation = \"softmax\")",
                                  model_->name()));
  if (model_->built() && model_->output_shape() != Shape{labels_.num_classes()})
    throw ConfigError(fmt::format("text model '{}': the output has shape {} but there are {} labels", model_->name(),
                                  shape_str(model_->output_shape()), labels_.num_classes()));
}

void TextClassifier::set_threshold(double threshold) {
  if (!(threshold >= 0.0 && threshold <= 1.0))
    throw ValueError(fmt::format("TextClassifier: the confidence threshold must lie in [0, 1], got {}", threshold));
  threshold_ = threshold;
}

Tensor TextClassifier::encode(const std::vector<std::string>& texts, int64_t* truncated) const {
  Tokenizer::Encoded e = tokenizer_.encode_batch(texts, max_length_);
  if (truncated) *truncated = e.truncated;
  return e.ids;
}

Tensor TextClassifier::predict_proba(const std::vector<std::string>& texts, int64_t batch_size) const {
  if (texts.empty()) return zeros({0, labels_.num_classes()});
  return model_->predict(encode(texts), batch_size);
}

std::vector<Prediction> TextClassifier::predict(const std::vector<std::string>& texts) const {
  const Tensor p = predict_proba(texts).to(DType::float64).contiguous();
  const int64_t n = p.size(0), c = p.size(1);
  const double* data = p.data<double>();
  std::vector<Prediction> out(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t j = 1; j < c; ++j)
      if (data[i * c + j] > data[i * c + best]) best = j;
    out[i].label = labels_.decode(best);
    out[i].confidence = data[i * c + best];
    out[i].to_person = out[i].confidence < threshold_;
    out[i].probabilities.assign(data + i * c, data + (i + 1) * c);
  }
  return out;
}

void TextClassifier::save(const std::string& path) const {
  model_->set_attachment(kAttachment, nlohmann::json{{"tokenizer", tokenizer_.to_json()},
                                                     {"fingerprint", tokenizer_.fingerprint()},
                                                     {"labels", labels_.to_json()},
                                                     {"max_length", max_length_},
                                                     {"threshold", threshold_}});
  model_->save(path);
}

TextClassifier TextClassifier::load(const std::string& path) {
  auto model = models::load_model(path);
  const nlohmann::json attached = model->attachment(kAttachment);
  if (!attached.is_object())
    throw FileError(fmt::format("{}: not a text model (no tokenizer in the file)", path));
  auto sequential = std::dynamic_pointer_cast<models::Sequential>(model);
  if (!sequential) throw FileError(fmt::format("{}: a text model must be Sequential", path));
  try {
    Tokenizer tokenizer = Tokenizer::from_json(attached.at("tokenizer"));
    if (tokenizer.fingerprint() != attached.at("fingerprint").get<std::string>())
      throw FileError(fmt::format("{}: the tokenizer stored in the file does not match the one the model was trained "
                                  "with (fingerprint {} expected, {} found)",
                                  path, attached.at("fingerprint").get<std::string>(), tokenizer.fingerprint()));
    TextClassifier out(std::move(tokenizer), LabelEncoder::from_json(attached.at("labels")),
                       attached.at("max_length").get<int64_t>(), sequential);
    out.set_threshold(attached.at("threshold").get<double>());
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: malformed text metadata: {}", path, e.what()));
  }
}

}  // namespace deepfin::text
