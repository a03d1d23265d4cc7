// Byte-pair-style merges over word counts, as Hugging Face's WordPiece trainer learns its vocabulary:
// repeatedly merge the most frequent adjacent pair of pieces. Pair counts are kept up to date
// incrementally (only the words holding the merged pair are recounted) and the best pair comes from a
// max-heap with lazy deletion, so training on ten thousand short texts takes milliseconds.
#include "text/wordpiece_trainer.h"

#include <algorithm>
#include <map>
#include <queue>

#include "text/pretokenize.h"
#include "text/utf8.h"

namespace deepfin::text::detail {
namespace {

using Symbol = int32_t;
using PairKey = uint64_t;

PairKey pair_key(Symbol a, Symbol b) {
  return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
}
Symbol first_of(PairKey key) {
  return static_cast<Symbol>(key >> 32);
}
Symbol second_of(PairKey key) {
  return static_cast<Symbol>(key & 0xFFFFFFFFu);
}

// Highest count first; ties go to the pair of earlier (more frequent, then older) symbols, so training
// is deterministic.
struct HeapEntry {
  int64_t count;
  PairKey key;
  bool operator<(const HeapEntry& other) const { return count != other.count ? count < other.count : key > other.key; }
};

struct Word {
  std::vector<Symbol> symbols;
  int64_t count = 0;
};

// The characters of a piece written as a token: glued or not, each character after the first is "##c".
std::vector<std::string> char_tokens(std::string_view token) {
  const bool glued = is_continuation(token);
  const std::string_view text = glued ? token.substr(kContinuation.size()) : token;
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    int32_t codepoint = 0;
    const auto n = static_cast<size_t>(decode_codepoint(text, pos, codepoint));
    out.push_back((out.empty() && !glued ? std::string() : std::string(kContinuation)) +
                  std::string(text.substr(pos, n)));
    pos += n;
  }
  return out;
}

std::string strip_continuation(const std::string& token) {
  return is_continuation(token) ? token.substr(kContinuation.size()) : token;
}

class Trainer {
 public:
  Trainer(const std::unordered_map<std::string, int64_t>& word_counts, int64_t max_tokens, int64_t min_frequency)
      : max_tokens_(max_tokens), min_frequency_(min_frequency) {
    // Sorted, so that symbol ids (and with them tie-breaking) do not depend on hash order.
    const std::map<std::string, int64_t> sorted(word_counts.begin(), word_counts.end());
    build_alphabet(sorted);
    for (const auto& [token, count] : sorted) add_word(token, count);
  }

  std::vector<std::string> run() {
    for (size_t w = 0; w < words_.size(); ++w) count_pairs(static_cast<int32_t>(w), +1, /*register_all=*/true);
    for (const auto& [key, count] : pair_counts_) heap_.push({count, key});
    while (static_cast<int64_t>(tokens_.size()) < max_tokens_ && !heap_.empty()) {
      const HeapEntry top = heap_.top();
      heap_.pop();
      const auto it = pair_counts_.find(top.key);
      if (it == pair_counts_.end() || it->second != top.count) continue;  // stale entry
      if (top.count < min_frequency_) break;
      merge(top.key);
    }
    return std::move(tokens_);
  }

 private:
  Symbol symbol_of(const std::string& token) {
    const auto [it, inserted] = ids_.try_emplace(token, static_cast<Symbol>(tokens_.size()));
    if (inserted) tokens_.push_back(token);
    return it->second;
  }

  // Both forms of every character, most frequent first, capped at max_tokens.
  void build_alphabet(const std::map<std::string, int64_t>& sorted) {
    std::map<std::string, int64_t> char_counts;
    for (const auto& [token, count] : sorted) {
      for (const std::string& c : char_tokens(token)) char_counts[strip_continuation(c)] += count;
    }
    std::vector<std::pair<std::string, int64_t>> chars(char_counts.begin(), char_counts.end());
    std::stable_sort(chars.begin(), chars.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    const size_t keep = std::min(chars.size(), static_cast<size_t>(max_tokens_ / 2));
    for (size_t i = 0; i < keep; ++i) {
      symbol_of(chars[i].first);
      symbol_of(std::string(kContinuation) + chars[i].first);
    }
  }

  // Words with a character outside the alphabet are left out (they encode to [UNK] anyway).
  void add_word(const std::string& token, int64_t count) {
    Word word{.symbols = {}, .count = count};
    for (const std::string& c : char_tokens(token)) {
      const auto it = ids_.find(c);
      if (it == ids_.end()) return;
      word.symbols.push_back(it->second);
    }
    if (word.symbols.size() > 1) words_.push_back(std::move(word));
  }

  // Adds (sign = +1) or removes (-1) the word's pairs from the counts; records which pairs changed.
  // Every pair is registered as occurring in the word at the start, afterwards only new pairs are.
  void count_pairs(int32_t w, int sign, bool register_all, Symbol new_symbol = -1) {
    const Word& word = words_[static_cast<size_t>(w)];
    for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
      const Symbol a = word.symbols[i], b = word.symbols[i + 1];
      const PairKey key = pair_key(a, b);
      pair_counts_[key] += sign * word.count;
      if (!register_all) changed_.push_back(key);
      if (sign > 0 && (register_all || a == new_symbol || b == new_symbol)) where_[key].push_back(w);
    }
  }

  void merge(PairKey key) {
    const Symbol a = first_of(key), b = second_of(key);
    const Symbol merged =
        symbol_of(tokens_[static_cast<size_t>(a)] + strip_continuation(tokens_[static_cast<size_t>(b)]));
    const std::vector<int32_t> holders = std::move(where_[key]);
    where_.erase(key);
    changed_.clear();
    for (const int32_t w : holders) {
      std::vector<Symbol>& symbols = words_[static_cast<size_t>(w)].symbols;
      bool holds = false;
      for (size_t i = 0; i + 1 < symbols.size() && !holds; ++i) holds = symbols[i] == a && symbols[i + 1] == b;
      if (!holds) continue;  // already merged through an earlier listing, or never held it
      count_pairs(w, -1, false);
      std::vector<Symbol> out;
      out.reserve(symbols.size());
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == a && symbols[i + 1] == b) {
          out.push_back(merged);
          ++i;
        } else {
          out.push_back(symbols[i]);
        }
      }
      symbols = std::move(out);
      count_pairs(w, +1, false, merged);
    }
    std::sort(changed_.begin(), changed_.end());
    changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
    for (const PairKey changed : changed_) {
      const auto it = pair_counts_.find(changed);
      if (it->second > 0) {
        heap_.push({it->second, changed});
      } else {
        pair_counts_.erase(it);
      }
    }
  }

  int64_t max_tokens_, min_frequency_;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, Symbol> ids_;
  std::vector<Word> words_;
  std::unordered_map<PairKey, int64_t> pair_counts_;
  std::unordered_map<PairKey, std::vector<int32_t>> where_;
  std::priority_queue<HeapEntry> heap_;
  std::vector<PairKey> changed_;
};

}  // namespace

std::vector<std::string> train_wordpiece(const std::unordered_map<std::string, int64_t>& word_counts,
                                         int64_t max_tokens, int64_t min_frequency) {
  return Trainer(word_counts, max_tokens, min_frequency).run();
}

}  // namespace deepfin::text::detail
