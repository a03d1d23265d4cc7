#pragma once
// TextClassifier: a model that reads raw strings. It pairs the tokenizer (with
// its normalization), the label names and the maximum sequence length with a
// Sequential model whose first layer takes token ids and whose last layer is a
// softmax over the labels. One .safetensors file holds all of it, so
// `deepfin predict MODEL --text "..."` needs nothing else.
#include <memory>
#include <string>
#include <vector>

#include "deepfin/models/sequential.h"
#include "deepfin/text/label_encoder.h"
#include "deepfin/text/tokenizer.h"

namespace deepfin::text {

struct Prediction {
  std::string label;
  double confidence = 0;     // the softmax probability of `label`
  bool to_person = false;    // confidence below the threshold: route the message to a person
  std::vector<double> probabilities;  // per class, LabelEncoder order
};

class TextClassifier {
 public:
  // ConfigError unless the model ends in a softmax over labels.num_classes() units.
  TextClassifier(Tokenizer tokenizer, LabelEncoder labels, int64_t max_length,
                 std::shared_ptr<models::Sequential> model);

  // Reads a file written by save(); FileError if it holds no text pipeline or
  // if the stored tokenizer does not match its fingerprint.
  static TextClassifier load(const std::string& path);
  void save(const std::string& path) const;

  // (N, max_length) int64 ids; `truncated` (if given) counts texts cut to max_length.
  Tensor encode(const std::vector<std::string>& texts, int64_t* truncated = nullptr) const;
  // (N, classes) probabilities.
  Tensor predict_proba(const std::vector<std::string>& texts, int64_t batch_size = 256) const;
  std::vector<Prediction> predict(const std::vector<std::string>& texts) const;

  // Below this confidence a message goes to a person (customer-service automation).
  double threshold() const { return threshold_; }
  void set_threshold(double threshold);

  const Tokenizer& tokenizer() const { return tokenizer_; }
  const LabelEncoder& labels() const { return labels_; }
  int64_t max_length() const { return max_length_; }
  models::Sequential& model() const { return *model_; }

 private:
  Tokenizer tokenizer_;
  LabelEncoder labels_;
  int64_t max_length_;
  std::shared_ptr<models::Sequential> model_;
  double threshold_ = 0.5;
};

}  // namespace deepfin::text
