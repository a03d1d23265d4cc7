#include "deepfin/text_model/text_classifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "deepfin/base/error.h"
#include "deepfin/nn/weight_budget.h"
#include "deepfin/ops/elementwise.h"

namespace deepfin::text_model {

using namespace deepfin::text;  // the tokenizer, labels and n-grams this model wraps
namespace {

constexpr const char* kAttachment = "text";

// Attached-tensor name of weight `index` of ensemble member `member` (1, 2, ...).
std::string member_weight_name(size_t member, size_t index) {
  return fmt::format("text/member{}/{}", member, index);
}

// Ensemble member `m` of a file: its architecture from the text metadata, its
// weights from the attached tensors.
std::shared_ptr<models::Sequential> load_member(const nlohmann::json& spec, size_t m, int64_t max_length,
                                                const std::map<std::string, Tensor>& tensors, const std::string& path) {
  if (spec.value("class_name", "") != "Sequential")
    throw FileError(fmt::format("{}: ensemble member {} is not a Sequential model", path, m));
  auto member = models::Sequential::from_config(spec.at("config"));
  if (!member->built()) member->build(Shape{max_length});
  const size_t count = member->get_weights().size();  // get_weights copies: ask once
  std::vector<Tensor> weights;
  for (size_t i = 0; i < count; ++i) {
    auto it = tensors.find(member_weight_name(m, i));
    if (it == tensors.end())
      throw FileError(
          fmt::format("{}: ensemble member {} lacks tensor 'attached/{}'", path, m, member_weight_name(m, i)));
    weights.push_back(it->second);
  }
  try {
    member->set_weights(weights);
  } catch (const ShapeError& e) {
    throw FileError(fmt::format("{}: ensemble member {}: {}", path, m, e.what()));
  }
  return member;
}

// The stacked linear model of a file: vocabulary and blend from the metadata,
// weights from the attached tensors.
LinearPart load_linear(const nlohmann::json& spec, const std::map<std::string, Tensor>& tensors,
                       const std::string& path) {
  const auto tensor = [&](const std::string& name) {
    auto it = tensors.find(name);
    if (it == tensors.end()) throw FileError(fmt::format("it lacks tensor 'attached/{}'", name));
    return it->second;
  };
  try {
    TfidfVectorizer vectorizer = TfidfVectorizer::from_json(spec.at("vectorizer"));
    LinearTextModel model(tensor("text/linear/weights"), tensor("text/linear/bias"), spec.at("c").get<double>(),
                          spec.value("nb_scaled", false));  // absent in files from before NB-SVM
    const LinearBlend blend{.scale = spec.at("scale").get<double>(), .weight = spec.at("weight").get<double>()};
    return LinearPart{std::move(vectorizer), std::move(model), blend};
  } catch (const Error& e) {
    throw FileError(fmt::format("{}: the linear text model: {}", path, e.what()));
  }
}

}  // namespace

nlohmann::json TextClassifier::linear_json() const {
  if (!linear_) return nullptr;
  return {{"vectorizer", linear_->vectorizer.to_json()},
          {"c", linear_->model.c()},
          {"nb_scaled", linear_->model.nb_scaled()},
          {"scale", linear_->blend.scale},
          {"weight", linear_->blend.weight}};
}

TextClassifier::TextClassifier(Tokenizer tokenizer, LabelEncoder labels, int64_t max_length,
                               std::shared_ptr<models::Sequential> model)
    : TextClassifier(std::move(tokenizer), std::move(labels), max_length,
                     std::vector<std::shared_ptr<models::Sequential>>{std::move(model)}) {}

TextClassifier::TextClassifier(Tokenizer tokenizer, LabelEncoder labels, int64_t max_length,
                               std::vector<std::shared_ptr<models::Sequential>> members)
    : tokenizer_(std::move(tokenizer)),
      labels_(std::move(labels)),
      max_length_(max_length),
      members_(std::move(members)) {
  if (members_.empty()) throw ValueError("TextClassifier: no model given");
  for (const auto& m : members_)
    if (!m) throw ValueError("TextClassifier: no model given");
  if (max_length_ < 1) throw ConfigError(fmt::format("TextClassifier: max_length must be >= 1, got {}", max_length_));
  for (const auto& m : members_) check_member(*m);
}

TextClassifier::TextClassifier(ByteBpeTokenizer tokenizer, LabelEncoder labels, int64_t max_length,
                               std::shared_ptr<models::Sequential> model)
    : byte_bpe_(std::move(tokenizer)), labels_(std::move(labels)), max_length_(max_length), members_{std::move(model)} {
  if (!members_.front()) throw ValueError("TextClassifier: no model given");
  if (max_length_ < 1) throw ConfigError(fmt::format("TextClassifier: max_length must be >= 1, got {}", max_length_));
  check_member(*members_.front());
}

const Tokenizer& TextClassifier::tokenizer() const {
  if (!tokenizer_) throw ValueError("TextClassifier: this classifier reads texts with a byte-level BPE, not WordPiece");
  return *tokenizer_;
}

int64_t TextClassifier::vocabulary_size() const {
  return byte_bpe_ ? byte_bpe_->vocab_size() : tokenizer_->vocab_size();
}

void TextClassifier::add_member(std::shared_ptr<models::Sequential> model) {
  if (!model) throw ValueError("TextClassifier: no model given");
  check_member(*model);
  members_.push_back(std::move(model));
}

void TextClassifier::check_member(const models::Sequential& model) const {
  const auto layers = model.layers();
  if (layers.empty() || layers.back()->activation() != "softmax")
    throw ConfigError(
        fmt::format("text model '{}': the last layer must be Dense(classes, activation = \"softmax\")", model.name()));
  if (model.built() && model.output_shape() != Shape{labels_.num_classes()})
    throw ConfigError(fmt::format("text model '{}': the output has shape {} but there are {} labels", model.name(),
                                  shape_str(model.output_shape()), labels_.num_classes()));
}

void TextClassifier::set_replies(std::map<std::string, std::string> replies) {
  for (const auto& [label, reply] : replies) {
    const auto& known = labels_.classes;
    if (std::find(known.begin(), known.end(), label) == known.end())
      throw ValueError(fmt::format("TextClassifier: a reply is given for '{}', which is not one of the {} labels",
                                   label, known.size()));
  }
  replies_ = std::move(replies);
}

void TextClassifier::set_threshold(double threshold) {
  if (!(threshold >= 0.0 && threshold <= 1.0))
    throw ValueError(fmt::format("TextClassifier: the confidence threshold must lie in [0, 1], got {}", threshold));
  threshold_ = threshold;
}

void TextClassifier::set_ngrams(const NgramOptions& options) {
  check_ngram_options(options);
  if (byte_bpe_ && options.order > 1)
    throw ValueError("TextClassifier: n-grams do not apply to a classifier over a byte-level BPE");
  ngrams_ = options;
}

int64_t TextClassifier::input_vocabulary() const {
  return vocabulary_size() + (ngrams_.order > 1 ? ngrams_.buckets : 0);
}

Tensor TextClassifier::encode(const std::vector<std::string>& texts, int64_t* truncated) const {
  // The training readers refuse empty texts; a prediction for one would be a guess.
  for (size_t i = 0; i < texts.size(); ++i)
    if (std::all_of(texts[i].begin(), texts[i].end(), [](unsigned char ch) { return std::isspace(ch); }))
      throw ValueError(fmt::format("TextClassifier: text {} is empty; there is nothing to classify", i + 1));
  if (byte_bpe_) return encode_byte_bpe(texts, truncated);
  if (ngrams_.order == 1) {
    Tokenizer::Encoded e = tokenizer_->encode_batch(texts, max_length_);
    if (truncated) *truncated = e.truncated;
    return e.ids;
  }
  const auto n = static_cast<int64_t>(texts.size());
  Tensor ids = zeros({n, max_length_}, DType::int64);  // [PAD] = 0 after each text
  int64_t* out = ids.data<int64_t>();
  int64_t cut_count = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> tokens;
    try {
      tokens = tokenizer_->encode(texts[static_cast<size_t>(i)]);
    } catch (const ValueError& e) {
      throw ValueError(fmt::format("TextClassifier::encode: text {}: {}", i, e.what()));
    }
    bool cut = false;
    const std::vector<int64_t> row =
        with_ngrams(tokens, ngrams_, tokenizer_->vocab_size(), max_length_, /*skip_first=*/true, &cut);
    cut_count += cut ? 1 : 0;
    std::copy(row.begin(), row.end(), out + i * max_length_);
  }
  if (truncated) *truncated = cut_count;
  return ids;
}

Tensor TextClassifier::encode_byte_bpe(const std::vector<std::string>& texts, int64_t* truncated) const {
  const auto n = static_cast<int64_t>(texts.size());
  Tensor ids = full({n, max_length_}, static_cast<double>(byte_bpe_->eos_id()), DType::int64);
  int64_t* out = ids.data<int64_t>();
  int64_t cut_count = 0;
  for (int64_t i = 0; i < n; ++i) {
    // Only the head of a text can fill max_length tokens: a token rarely spans 64 bytes, and the
    // cap keeps one huge request (the BPE is quadratic inside a long word) from stalling a server.
    const std::string& text = texts[static_cast<size_t>(i)];
    const size_t cap = static_cast<size_t>(max_length_) * 64;
    const std::vector<int64_t> tokens = byte_bpe_->encode(std::string_view(text).substr(0, cap));
    const bool longer = text.size() > cap;
    const auto keep = std::min<int64_t>(max_length_, static_cast<int64_t>(tokens.size()));
    cut_count += longer || static_cast<int64_t>(tokens.size()) > max_length_ ? 1 : 0;
    std::copy(tokens.begin(), tokens.begin() + keep, out + i * max_length_);
  }
  if (truncated) *truncated = cut_count;
  return ids;
}

void TextClassifier::set_linear(LinearPart linear) {
  if (linear.model.num_classes() != labels_.num_classes() ||
      linear.model.num_features() != linear.vectorizer.num_features())
    throw ValueError(fmt::format(
        "TextClassifier: the linear model has {} classes and {} features; the labels have {}, the vocabulary {}",
        linear.model.num_classes(), linear.model.num_features(), labels_.num_classes(),
        linear.vectorizer.num_features()));
  check_blend(linear.blend);
  linear_ = std::move(linear);
}

Tensor TextClassifier::predict_proba(const std::vector<std::string>& texts, int64_t batch_size,
                                     int64_t* truncated) const {
  const Tensor neural = neural_proba(texts, batch_size, truncated);
  if (!linear_ || texts.empty() || linear_->blend.weight == 0) return neural;
  const Tensor decision = linear_->model.decision(linear_->vectorizer.transform(texts));
  return blend_probabilities(neural, decision, linear_->blend).to(neural.dtype());
}

Tensor TextClassifier::neural_proba(const std::vector<std::string>& texts, int64_t batch_size,
                                    int64_t* truncated) const {
  if (truncated) *truncated = 0;
  if (texts.empty()) return zeros({0, labels_.num_classes()});
  const Tensor ids = encode(texts, truncated);
  const Tensor first = members_.front()->predict(ids, batch_size);
  if (members_.size() == 1) return first;
  Tensor sum = first.to(DType::float64);
  for (size_t i = 1; i < members_.size(); ++i) sum = sum + members_[i]->predict(ids, batch_size).to(DType::float64);
  return (sum / static_cast<double>(members_.size())).to(first.dtype());
}

std::vector<Prediction> TextClassifier::predict(const std::vector<std::string>& texts, int64_t* truncated) const {
  const Tensor p = predict_proba(texts, 256, truncated).to(DType::float64).contiguous();
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
    if (const auto r = replies_.find(out[i].label); r != replies_.end() && !out[i].to_person) out[i].reply = r->second;
  }
  return out;
}

void TextClassifier::save(const std::string& path) const {
  nlohmann::json others = nlohmann::json::array();
  std::map<std::string, Tensor> member_weights;
  for (size_t m = 1; m < members_.size(); ++m) {
    others.push_back({{"class_name", members_[m]->class_name()}, {"config", members_[m]->get_config()}});
    const std::vector<Tensor> weights = members_[m]->get_weights();
    for (size_t i = 0; i < weights.size(); ++i) member_weights[member_weight_name(m, i)] = weights[i];
  }
  models::Sequential& first = *members_.front();
  nlohmann::json text = {{"labels", labels_.to_json()}, {"max_length", max_length_},
                         {"threshold", threshold_},     {"ngrams", ngram_options_to_json(ngrams_)},
                         {"ensemble", others},          {"linear", linear_json()},
                         {"replies", replies_}};
  if (byte_bpe_) {
    text["byte_bpe"] = byte_bpe_->to_json();  // carries its own fingerprint
  } else {
    text["tokenizer"] = tokenizer_->to_json();
    text["fingerprint"] = tokenizer_->fingerprint();
  }
  first.set_attachment(kAttachment, text);
  if (linear_) {
    member_weights["text/linear/weights"] = linear_->model.weights();
    member_weights["text/linear/bias"] = linear_->model.bias();
  }
  first.set_attached_tensors(std::move(member_weights));
  first.save(path);
}

TextClassifier TextClassifier::load(const std::string& path) {
  return from_model(models::load_model(path), path);
}

TextClassifier TextClassifier::from_model(const std::shared_ptr<models::Model>& model, const std::string& path) {
  const nlohmann::json attached = model->attachment(kAttachment);
  if (!attached.is_object()) throw FileError(fmt::format("{}: not a text model (no tokenizer in the file)", path));
  auto sequential = std::dynamic_pointer_cast<models::Sequential>(model);
  if (!sequential) throw FileError(fmt::format("{}: a text model must be Sequential", path));
  try {
    // A WordPiece of its own, or the byte-level BPE of the language model it was fine-tuned from.
    std::optional<ByteBpeTokenizer> bpe;
    std::optional<Tokenizer> wordpiece;
    if (attached.contains("byte_bpe")) {
      try {
        bpe = ByteBpeTokenizer::from_json(attached.at("byte_bpe"));
      } catch (const FileError& e) {
        throw FileError(fmt::format("{}: {}", path, e.what()));
      }
    } else {
      wordpiece = Tokenizer::from_json(attached.at("tokenizer"));
      if (wordpiece->fingerprint() != attached.at("fingerprint").get<std::string>())
        throw FileError(
            fmt::format("{}: the tokenizer stored in the file does not match the one the model was trained "
                        "with (fingerprint {} expected, {} found)",
                        path, attached.at("fingerprint").get<std::string>(), wordpiece->fingerprint()));
    }
    const int64_t max_length = attached.at("max_length").get<int64_t>();
    // The ids the model takes are (N, max_length): anything else is a corrupt file, and
    // is found here rather than after encoding texts into a buffer of that size.
    if (sequential->input_shape() != Shape{max_length})
      throw FileError(
          fmt::format("{}: malformed text metadata: max_length {} does not match the model's input shape {}", path,
                      max_length, shape_str(sequential->input_shape())));
    std::vector<std::shared_ptr<models::Sequential>> members{sequential};
    // The members' weights come from the attached tensors: building them may not create
    // more than those hold (+16 MiB, so a missing tensor is named rather than budgeted).
    int64_t attached_bytes = 0;
    for (const auto& [name, t] : model->attached_tensors())
      attached_bytes += t.numel() * static_cast<int64_t>(dtype_size(t.dtype()));
    nn::WeightBudgetScope budget(attached_bytes + (int64_t{16} << 20),
                                 fmt::format("the ensemble members in '{}' hold {} bytes", path, attached_bytes));
    const nlohmann::json others = attached.value("ensemble", nlohmann::json::array());
    for (size_t m = 1; m <= others.size(); ++m)
      members.push_back(load_member(others.at(m - 1), m, max_length, model->attached_tensors(), path));
    LabelEncoder labels = LabelEncoder::from_json(attached.at("labels"));
    TextClassifier out = bpe ? TextClassifier(std::move(*bpe), labels, max_length, members.front())
                             : TextClassifier(std::move(*wordpiece), labels, max_length, members);
    for (size_t m = 1; bpe && m < members.size(); ++m) out.add_member(members[m]);
    out.set_threshold(attached.at("threshold").get<double>());
    if (attached.contains("replies")) try {
        out.set_replies(attached.at("replies").get<std::map<std::string, std::string>>());
      } catch (const ValueError& e) {
        throw FileError(fmt::format("{}: {}", path, e.what()));
      }
    if (const nlohmann::json linear = attached.value("linear", nlohmann::json()); !linear.is_null()) try {
        out.set_linear(load_linear(linear, model->attached_tensors(), path));
      } catch (const ValueError& e) {
        throw FileError(fmt::format("{}: {}", path, e.what()));
      }
    try {
      out.set_ngrams(ngram_options_from_json(attached.value("ngrams", nlohmann::json())));
    } catch (const FileError& e) {
      throw FileError(fmt::format("{}: {}", path, e.what()));
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: malformed text metadata: {}", path, e.what()));
  }
}

}  // namespace deepfin::text_model
