#pragma once
// TextClassifier: a model that reads raw strings. It pairs the tokenizer (with
// its normalization), the label names and the maximum sequence length with a
// Sequential model whose first layer takes token ids and whose last layer is a
// softmax over the labels. One .safetensors file holds all of it, so
// `deepfin predict MODEL --text "..."` needs nothing else.
//
// A classifier may hold an ensemble: several models over the same token ids and
// labels (e.g. trained from different seeds), whose probabilities are averaged.
// The first is the file's model; the others travel as attached tensors.
//
// It may also hold a linear model on TF-IDF features, stacked with the neural
// members (linear_blend.h); its vocabulary and weights travel in the same file.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/models/sequential.h"
#include "deepfin/text/byte_bpe.h"
#include "deepfin/text/label_encoder.h"
#include "deepfin/text/ngrams.h"
#include "deepfin/text/tfidf.h"
#include "deepfin/text/tokenizer.h"
#include "deepfin/text_model/linear_blend.h"
#include "deepfin/text_model/linear_text_model.h"

namespace deepfin::text_model {

// The linear model stacked with the neural members, and how the two are mixed.
struct LinearPart {
  text::TfidfVectorizer vectorizer;
  LinearTextModel model;
  LinearBlend blend;
};

struct Prediction {
  std::string label;
  double confidence = 0;              // the softmax probability of `label`
  bool to_person = false;             // confidence below the threshold: route the message to a person
  std::string reply;                  // the label's reply when confident and one is set, else empty
  std::vector<double> probabilities;  // per class, text::LabelEncoder order
};

class TextClassifier {
 public:
  // ConfigError unless the model ends in a softmax over labels.num_classes() units.
  TextClassifier(text::Tokenizer tokenizer, text::LabelEncoder labels, int64_t max_length,
                 std::shared_ptr<models::Sequential> model);
  // An ensemble (at least one member); each member is checked as above.
  TextClassifier(text::Tokenizer tokenizer, text::LabelEncoder labels, int64_t max_length,
                 std::vector<std::shared_ptr<models::Sequential>> members);

  // A classifier over a pretrained language model's byte-level BPE: texts become its ids, cut
  // to max_length and right-padded with its end-of-text id (what the CausalLM body's pad_id
  // masks). N-grams do not apply.
  TextClassifier(text::ByteBpeTokenizer tokenizer, text::LabelEncoder labels, int64_t max_length,
                 std::shared_ptr<models::Sequential> model);

  // Reads a file written by save(); FileError if it holds no text pipeline or
  // if the stored tokenizer does not match its fingerprint.
  static TextClassifier load(const std::string& path);
  // The same from a model already loaded from `path` (which errors name): a caller that
  // looked at the file's attachments first need not read it twice.
  static TextClassifier from_model(const std::shared_ptr<models::Model>& model, const std::string& path);
  void save(const std::string& path) const;

  // Hashed word n-grams appended to each text's tokens (see ngrams.h); the model's
  // Embedding then needs input_dim >= input_vocabulary(). ValueError for bad options.
  void set_ngrams(const text::NgramOptions& options);
  const text::NgramOptions& ngrams() const { return ngrams_; }
  // Token ids plus n-gram ids: the input_dim the first Embedding needs.
  int64_t input_vocabulary() const;

  // (N, max_length) int64 ids; `truncated` (if given) counts texts cut to max_length.
  Tensor encode(const std::vector<std::string>& texts, int64_t* truncated = nullptr) const;
  // (N, classes) probabilities; for an ensemble, the mean of the members', then
  // blended with the linear model's if there is one. `truncated` (if given) counts
  // texts cut to max_length, as encode() does, without encoding them twice.
  Tensor predict_proba(const std::vector<std::string>& texts, int64_t batch_size = 256,
                       int64_t* truncated = nullptr) const;
  // The neural members' mean alone (what a linear blend is fitted against).
  Tensor neural_proba(const std::vector<std::string>& texts, int64_t batch_size = 256,
                      int64_t* truncated = nullptr) const;
  std::vector<Prediction> predict(const std::vector<std::string>& texts, int64_t* truncated = nullptr) const;

  // label -> reply, given with a confident prediction (customer-service automation).
  // ValueError naming a label that is not one of the classifier's.
  void set_replies(std::map<std::string, std::string> replies);
  const std::map<std::string, std::string>& replies() const { return replies_; }

  // Below this confidence a message goes to a person (customer-service automation).
  double threshold() const { return threshold_; }
  void set_threshold(double threshold);

  // The WordPiece tokenizer; ValueError for a classifier over a byte-level BPE.
  const text::Tokenizer& tokenizer() const;
  const text::ByteBpeTokenizer* byte_bpe() const { return byte_bpe_ ? &*byte_bpe_ : nullptr; }
  // Token ids the model reads: either tokenizer's vocabulary size.
  int64_t vocabulary_size() const;
  const text::LabelEncoder& labels() const { return labels_; }
  int64_t max_length() const { return max_length_; }
  // Stacks a linear model with the neural members. ValueError unless its classes
  // are the labels' and its features the vectorizer's.
  void set_linear(LinearPart linear);
  const std::optional<LinearPart>& linear() const { return linear_; }

  // Adds an ensemble member (checked as in the constructor).
  void add_member(std::shared_ptr<models::Sequential> model);

  // The first member (the only one unless this is an ensemble).
  models::Sequential& model() const { return *members_.front(); }
  const std::vector<std::shared_ptr<models::Sequential>>& members() const { return members_; }

 private:
  void check_member(const models::Sequential& model) const;
  Tensor encode_byte_bpe(const std::vector<std::string>& texts, int64_t* truncated) const;
  nlohmann::json linear_json() const;  // null without a linear model

  std::optional<text::Tokenizer> tokenizer_;        // WordPiece, or
  std::optional<text::ByteBpeTokenizer> byte_bpe_;  // a pretrained language model's BPE
  text::LabelEncoder labels_;
  int64_t max_length_;
  std::vector<std::shared_ptr<models::Sequential>> members_;
  double threshold_ = 0.5;
  text::NgramOptions ngrams_{};
  std::optional<LinearPart> linear_;
  std::map<std::string, std::string> replies_;
};

}  // namespace deepfin::text_model
