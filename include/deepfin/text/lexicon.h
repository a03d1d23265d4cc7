#pragma once
// Word lists by category, such as the Loughran–McDonald financial sentiment lists
// (../shared/data/loughran_mcdonald): domain knowledge a linear text model can use as
// features, a text's count of words in each category (tfidf.h appends them as a block).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "deepfin/text/normalizer.h"

namespace deepfin::text {

class Lexicon {
 public:
  // The ".cat" dictionary format of WordStat and quanteda: a category name alone on a line,
  // then its words, one per line, each indented by a tab and optionally followed by a
  // weight in parentheses ("\tABANDON (1)"), which is ignored. Words are normalized as the
  // texts they will be matched in (`normalizer`). A category may have no words. FileError
  // naming "path:line" for a word before any category or a word with a space in it, and for
  // a file that cannot be read or has no category.
  static Lexicon read_cat(const std::string& path, const NormalizerOptions& normalizer);

  int64_t num_categories() const { return static_cast<int64_t>(categories_.size()); }
  const std::string& category(int64_t k) const { return categories_.at(static_cast<size_t>(k)); }
  // The categories of a normalized word (empty if it is in none).
  const std::vector<int32_t>& categories_of(const std::string& word) const;
  int64_t num_words() const { return static_cast<int64_t>(words_.size()); }

  nlohmann::json to_json() const;
  // FileError for a malformed document (a category index out of range, an empty word).
  static Lexicon from_json(const nlohmann::json& json);

 private:
  std::vector<std::string> categories_;
  std::unordered_map<std::string, std::vector<int32_t>> words_;
};

}  // namespace deepfin::text
