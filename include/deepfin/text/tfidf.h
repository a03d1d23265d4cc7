#pragma once
// TF-IDF features of short texts, as the linear baselines of text classification
// use them: word 1..2-grams and character 2..5-grams taken inside word boundaries
// (scikit-learn's analyzer "char_wb"). Each block has sublinear term frequency
// (1 + ln tf), smoothed idf (ln((1 + n) / (1 + df)) + 1) and unit L2 norm, and the
// blocks are concatenated, words first. These are the features of BASELINES.md's
// TF-IDF + linear SVM floor, and of deepfin's linear text model.
//
// Texts are normalized first (normalizer.h: NFC, case folding, one space between
// words). Words are runs of two or more letters, numbers or underscores;
// character n-grams are counted over code points of each space-separated word
// padded with one space on each side, and a padded word shorter than n counts once.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "deepfin/text/lexicon.h"
#include "deepfin/text/normalizer.h"

namespace deepfin::text {

struct TfidfOptions {
  int64_t word_max_n = 2;                  // word n-grams of 1..word_max_n words (0: no word block)
  int64_t char_min_n = 2, char_max_n = 5;  // character n-grams (char_max_n 0: no character block)
  int64_t min_df = 1;                      // terms in fewer training texts are dropped
  bool sublinear_tf = true;                // 1 + ln(tf) instead of tf
  NormalizerOptions normalizer{};
  // With a lexicon, a third block: per category, ln(1 + the text's words in it), unit L2 norm
  // (words as the word block finds them). Domain knowledge, not learned from the texts.
  std::optional<Lexicon> lexicon{};
};

// Rows of a sparse matrix in compressed-row form: row i holds columns
// indices[offsets[i] .. offsets[i + 1]), ascending, with their values.
struct SparseRows {
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> indices;
  std::vector<double> values;
  int64_t columns = 0;
  int64_t rows() const { return static_cast<int64_t>(offsets.size()) - 1; }
};

class TfidfVectorizer {
 public:
  // The vocabulary and idf of `texts`. ValueError for bad options, for no texts,
  // or when no term survives (every text empty or min_df too high).
  static TfidfVectorizer fit(const std::vector<std::string>& texts, const TfidfOptions& options = {});
  // One row per text; terms not seen in fit() are ignored, so a row may be empty.
  // ValueError naming the text for invalid UTF-8.
  SparseRows transform(const std::vector<std::string>& texts) const;

  int64_t num_features() const { return static_cast<int64_t>(words_.size() + chars_.size() + lexicon_names_.size()); }
  // The term of feature j: a word n-gram (words joined by one space), a character n-gram,
  // or "lexicon:CATEGORY".
  const std::string& feature(int64_t j) const;
  double idf(int64_t j) const { return idf_.at(static_cast<size_t>(j)); }
  const TfidfOptions& options() const { return options_; }

  nlohmann::json to_json() const;
  // FileError for a malformed document.
  static TfidfVectorizer from_json(const nlohmann::json& json);

 private:
  void index();  // rebuilds the term → column maps

  TfidfOptions options_;
  std::vector<std::string> words_, chars_;  // sorted; columns [0, words) and [words, words + chars)
  std::vector<double> idf_;
  std::vector<std::string> lexicon_names_;  // columns after the characters, one per lexicon category
  std::unordered_map<std::string, int32_t> word_index_, char_index_;
};

// ValueError unless the options are usable (n-gram ranges, min_df >= 1, one block at least).
void check_tfidf_options(const TfidfOptions& options);

}  // namespace deepfin::text
