// TF-IDF of word and character n-grams (see tfidf.h for the exact definitions,
// which follow scikit-learn's TfidfVectorizer so the floor's features can be
// reproduced and checked against it).
#include "deepfin/text/tfidf.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "deepfin/base/error.h"
#include "text/utf8.h"

namespace deepfin::text {
namespace {

struct Terms {
  std::vector<std::string> words, chars;
  std::vector<std::string> tokens;  // the single words, for a lexicon
};

// A word character: a letter, number or underscore, as Python's \w (which the
// floor's token pattern \b\w\w+\b uses) has it; combining marks are not.
bool is_word_char(int32_t codepoint) {
  if (codepoint == '_') return true;
  return detail::is_letter(codepoint) || detail::is_number(codepoint);
}

// The code points of `s` (valid UTF-8) with the byte offset where each starts (and the end).
void decode(std::string_view s, std::vector<int32_t>& points, std::vector<size_t>& starts) {
  points.clear();
  starts.clear();
  for (size_t pos = 0; pos < s.size();) {
    int32_t cp = 0;
    starts.push_back(pos);
    pos += static_cast<size_t>(detail::decode_codepoint(s, pos, cp));
    points.push_back(cp);
  }
  starts.push_back(s.size());
}

// The word and character n-grams of one normalized text, with repeats.
Terms analyze(const std::string& normalized, const TfidfOptions& options) {
  Terms out;
  std::vector<int32_t> points;
  std::vector<size_t> starts;
  if (options.word_max_n > 0 || options.lexicon) {
    decode(normalized, points, starts);
    std::vector<std::string>& tokens = out.tokens;
    for (size_t i = 0; i < points.size();) {
      if (!is_word_char(points[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < points.size() && is_word_char(points[j])) ++j;
      if (j - i >= 2) tokens.push_back(normalized.substr(starts[i], starts[j] - starts[i]));
      i = j;
    }
    for (int64_t n = 1; n <= options.word_max_n; ++n)
      for (size_t i = 0; i + static_cast<size_t>(n) <= tokens.size(); ++i) {
        std::string gram = tokens[i];
        for (int64_t k = 1; k < n; ++k) gram.append(1, ' ').append(tokens[i + static_cast<size_t>(k)]);
        out.words.push_back(std::move(gram));
      }
  }
  if (options.char_max_n > 0) {
    size_t begin = 0;
    while (begin < normalized.size()) {
      size_t end = normalized.find(' ', begin);
      if (end == std::string::npos) end = normalized.size();
      if (end > begin) {
        std::string padded(1, ' ');
        padded.append(normalized, begin, end - begin).append(1, ' ');
        decode(padded, points, starts);
        const auto length = static_cast<int64_t>(points.size());
        for (int64_t n = options.char_min_n; n <= options.char_max_n; ++n) {
          // A padded word shorter than n is one term of its own, counted once.
          if (length <= n) {
            out.chars.push_back(padded);
            break;
          }
          for (int64_t i = 0; i + n <= length; ++i)
            out.chars.push_back(padded.substr(starts[i], starts[i + n] - starts[i]));
        }
      }
      begin = end + 1;
    }
  }
  return out;
}

std::string normalized_text(const std::string& text, const TfidfOptions& options, size_t index) {
  try {
    return normalize(text, options.normalizer);
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("TF-IDF: text {}: {}", index + 1, e.what()));
  }
}

// The terms seen in at least min_df texts, sorted, with their document frequencies.
std::vector<std::pair<std::string, int64_t>> frequent(const std::map<std::string, int64_t>& df, int64_t min_df) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [term, count] : df)
    if (count >= min_df) out.emplace_back(term, count);
  return out;
}

// Adds the lexicon block of a row: ln(1 + words in each category), unit L2 norm.
void append_lexicon(const std::vector<std::string>& tokens, const Lexicon& lexicon, int32_t offset,
                    std::vector<std::pair<int32_t, double>>& row) {
  std::vector<int64_t> counts(static_cast<size_t>(lexicon.num_categories()), 0);
  for (const auto& token : tokens)
    for (int32_t k : lexicon.categories_of(token)) ++counts[static_cast<size_t>(k)];
  double norm = 0;
  for (int64_t c : counts) norm += std::log1p(static_cast<double>(c)) * std::log1p(static_cast<double>(c));
  if (norm == 0) return;
  for (size_t k = 0; k < counts.size(); ++k)
    if (counts[k] > 0)
      row.emplace_back(offset + static_cast<int32_t>(k), std::log1p(static_cast<double>(counts[k])) / std::sqrt(norm));
}

// Adds one block of a row: counted terms → (1 + ln tf or tf) · idf, unit L2 norm.
void append_block(const std::vector<std::string>& terms, const std::unordered_map<std::string, int32_t>& index,
                  int32_t offset, const std::vector<double>& idf, bool sublinear,
                  std::vector<std::pair<int32_t, double>>& row) {
  std::map<int32_t, int64_t> counts;
  for (const auto& term : terms)
    if (auto it = index.find(term); it != index.end()) ++counts[it->second + offset];
  double norm = 0;
  const size_t first = row.size();
  for (const auto& [column, count] : counts) {
    const double tf = sublinear ? 1.0 + std::log(static_cast<double>(count)) : static_cast<double>(count);
    const double value = tf * idf[static_cast<size_t>(column)];
    row.emplace_back(column, value);
    norm += value * value;
  }
  if (norm > 0)
    for (size_t k = first; k < row.size(); ++k) row[k].second /= std::sqrt(norm);
}

}  // namespace

void check_tfidf_options(const TfidfOptions& o) {
  if (o.word_max_n < 0 || o.word_max_n > 3)
    throw ValueError(fmt::format("TF-IDF: word_max_n must lie in [0, 3], got {}", o.word_max_n));
  if (o.char_max_n != 0 && !(o.char_min_n >= 1 && o.char_min_n <= o.char_max_n && o.char_max_n <= 8))
    throw ValueError(fmt::format("TF-IDF: character n-grams need 1 <= char_min_n <= char_max_n <= 8, got {}..{}",
                                 o.char_min_n, o.char_max_n));
  if (o.word_max_n == 0 && o.char_max_n == 0)
    throw ValueError("TF-IDF: word_max_n and char_max_n are both 0, so there would be no features");
  if (o.min_df < 1) throw ValueError(fmt::format("TF-IDF: min_df must be >= 1, got {}", o.min_df));
}

TfidfVectorizer TfidfVectorizer::fit(const std::vector<std::string>& texts, const TfidfOptions& options) {
  check_tfidf_options(options);
  if (texts.empty()) throw ValueError("TF-IDF: no texts to fit");
  std::map<std::string, int64_t> word_df, char_df;
  for (size_t i = 0; i < texts.size(); ++i) {
    Terms terms = analyze(normalized_text(texts[i], options, i), options);
    for (auto* list : {&terms.words, &terms.chars}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    for (auto& t : terms.words) ++word_df[std::move(t)];
    for (auto& t : terms.chars) ++char_df[std::move(t)];
  }
  TfidfVectorizer out;
  out.options_ = options;
  const auto n = static_cast<double>(texts.size());
  for (const auto& [df, names] : {std::pair{&word_df, &out.words_}, std::pair{&char_df, &out.chars_}})
    for (const auto& [term, count] : frequent(*df, options.min_df)) {
      names->push_back(term);
      out.idf_.push_back(std::log((1.0 + n) / (1.0 + static_cast<double>(count))) + 1.0);
    }
  if (out.num_features() == 0)
    throw ValueError(
        fmt::format("TF-IDF: no term occurs in at least min_df = {} of the {} texts", options.min_df, texts.size()));
  if (out.num_features() > (int64_t{1} << 30))
    throw ValueError(fmt::format("TF-IDF: {} features are beyond the limit of 2^30", out.num_features()));
  out.index();
  return out;
}

void TfidfVectorizer::index() {
  word_index_.clear();
  char_index_.clear();
  lexicon_names_.clear();
  if (options_.lexicon)
    for (int64_t k = 0; k < options_.lexicon->num_categories(); ++k)
      lexicon_names_.push_back("lexicon:" + options_.lexicon->category(k));
  for (size_t j = 0; j < words_.size(); ++j) word_index_.emplace(words_[j], static_cast<int32_t>(j));
  for (size_t j = 0; j < chars_.size(); ++j) char_index_.emplace(chars_[j], static_cast<int32_t>(j));
}

SparseRows TfidfVectorizer::transform(const std::vector<std::string>& texts) const {
  SparseRows out;
  out.columns = num_features();
  std::vector<std::pair<int32_t, double>> row;
  for (size_t i = 0; i < texts.size(); ++i) {
    const Terms terms = analyze(normalized_text(texts[i], options_, i), options_);
    row.clear();
    append_block(terms.words, word_index_, 0, idf_, options_.sublinear_tf, row);
    append_block(terms.chars, char_index_, static_cast<int32_t>(words_.size()), idf_, options_.sublinear_tf, row);
    if (options_.lexicon)
      append_lexicon(terms.tokens, *options_.lexicon, static_cast<int32_t>(words_.size() + chars_.size()), row);
    for (const auto& [column, value] : row) {
      out.indices.push_back(column);
      out.values.push_back(value);
    }
    out.offsets.push_back(static_cast<int64_t>(out.indices.size()));
  }
  return out;
}

const std::string& TfidfVectorizer::feature(int64_t j) const {
  if (j < 0 || j >= num_features())
    throw ValueError(fmt::format("TF-IDF: feature {} is out of range [0, {})", j, num_features()));
  const auto w = static_cast<int64_t>(words_.size());
  const auto c = static_cast<int64_t>(chars_.size());
  if (j < w) return words_[static_cast<size_t>(j)];
  return j < w + c ? chars_[static_cast<size_t>(j - w)] : lexicon_names_[static_cast<size_t>(j - w - c)];
}

nlohmann::json TfidfVectorizer::to_json() const {
  const TfidfOptions& o = options_;
  nlohmann::json out{{"word_max_n", o.word_max_n},
                     {"char_min_n", o.char_min_n},
                     {"char_max_n", o.char_max_n},
                     {"min_df", o.min_df},
                     {"sublinear_tf", o.sublinear_tf},
                     {"nfc", o.normalizer.nfc},
                     {"lowercase", o.normalizer.lowercase},
                     {"strip_accents", o.normalizer.strip_accents},
                     {"words", words_},
                     {"chars", chars_},
                     {"idf", idf_}};
  if (o.lexicon) out["lexicon"] = o.lexicon->to_json();
  return out;
}

TfidfVectorizer TfidfVectorizer::from_json(const nlohmann::json& json) try {
  TfidfVectorizer out;
  TfidfOptions& o = out.options_;
  o.word_max_n = json.at("word_max_n").get<int64_t>();
  o.char_min_n = json.at("char_min_n").get<int64_t>();
  o.char_max_n = json.at("char_max_n").get<int64_t>();
  o.min_df = json.at("min_df").get<int64_t>();
  o.sublinear_tf = json.at("sublinear_tf").get<bool>();
  o.normalizer.nfc = json.at("nfc").get<bool>();
  o.normalizer.lowercase = json.at("lowercase").get<bool>();
  o.normalizer.strip_accents = json.at("strip_accents").get<bool>();
  if (json.contains("lexicon")) o.lexicon = Lexicon::from_json(json.at("lexicon"));
  check_tfidf_options(o);
  out.words_ = json.at("words").get<std::vector<std::string>>();
  out.chars_ = json.at("chars").get<std::vector<std::string>>();
  out.idf_ = json.at("idf").get<std::vector<double>>();
  for (double v : out.idf_)
    if (!(std::isfinite(v) && v > 0)) throw FileError(fmt::format("TF-IDF: an idf value is {}", v));
  if (out.idf_.size() != out.words_.size() + out.chars_.size())
    throw FileError(
        fmt::format("TF-IDF: {} idf values for {} terms", out.idf_.size(), out.words_.size() + out.chars_.size()));
  out.index();
  if (out.word_index_.size() != out.words_.size() || out.char_index_.size() != out.chars_.size())
    throw FileError("TF-IDF: a term is listed twice");
  return out;
} catch (const nlohmann::json::exception& e) {
  throw FileError(fmt::format("TF-IDF: malformed vocabulary: {}", e.what()));
} catch (const ValueError& e) {
  throw FileError(e.what());
}

}  // namespace deepfin::text
