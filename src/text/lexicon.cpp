// Reading a ".cat" dictionary, and the lexicon's JSON form inside a model file.
#include "deepfin/text/lexicon.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

const std::vector<int32_t> kNone;

}  // namespace

Lexicon Lexicon::read_cat(const std::string& path, const NormalizerOptions& normalizer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(fmt::format("{}: cannot read the lexicon", path));
  Lexicon out;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.front() != '\t' && line.front() != ' ') {
      out.categories_.push_back(line);
      continue;
    }
    if (out.categories_.empty())
      throw FileError(
          fmt::format("{}:{}: a word before any category (categories stand alone on a line, words are "
                      "indented by a tab)",
                      path, number));
    std::string word = line.substr(line.find_first_not_of(" \t"));
    if (const size_t weight = word.find(" ("); weight != std::string::npos) word.resize(weight);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    if (word.find_first_of(" \t") != std::string::npos)
      throw FileError(fmt::format("{}:{}: '{}' is not one word", path, number, word));
    std::string normalized;
    try {
      normalized = normalize(word, normalizer);
    } catch (const ValueError& e) {
      throw FileError(fmt::format("{}:{}: {}", path, number, e.what()));
    }
    auto& categories = out.words_[normalized];
    const auto k = static_cast<int32_t>(out.categories_.size() - 1);
    if (std::find(categories.begin(), categories.end(), k) == categories.end()) categories.push_back(k);
  }
  if (out.categories_.empty()) throw FileError(fmt::format("{}: the lexicon has no category", path));
  return out;
}

const std::vector<int32_t>& Lexicon::categories_of(const std::string& word) const {
  const auto it = words_.find(word);
  return it == words_.end() ? kNone : it->second;
}

nlohmann::json Lexicon::to_json() const {
  // Sorted, so that one lexicon always writes the same bytes.
  nlohmann::json words = nlohmann::json::object();
  for (const auto& [word, categories] : words_) words[word] = categories;
  return {{"categories", categories_}, {"words", words}};
}

Lexicon Lexicon::from_json(const nlohmann::json& json) try {
  Lexicon out;
  out.categories_ = json.at("categories").get<std::vector<std::string>>();
  if (out.categories_.empty()) throw FileError("lexicon: no category");
  for (const auto& [word, categories] : json.at("words").items()) {
    auto list = categories.get<std::vector<int32_t>>();
    if (word.empty()) throw FileError("lexicon: an empty word");
    for (int32_t k : list)
      if (k < 0 || k >= out.num_categories())
        throw FileError(fmt::format("lexicon: word '{}' has category {} of {}", word, k, out.num_categories()));
    out.words_.emplace(word, std::move(list));
  }
  return out;
} catch (const nlohmann::json::exception& e) {
  throw FileError(fmt::format("lexicon: {}", e.what()));
}

}  // namespace deepfin::text
