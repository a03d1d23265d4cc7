// Training a ByteBpeTokenizer: merges of the most frequent adjacent pair over the unique pre-tokens.
// Pair counts are kept up to date incrementally (only the words that hold the merged pair are
// recounted) and the best pair comes from a max-heap with lazy deletion, so a megabyte of text
// trains to thousands of merges in about a second.
#include <fmt/format.h>

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "deepfin/base/error.h"
#include "deepfin/text/byte_bpe.h"
#include "text/gpt2_pretokenize.h"

namespace deepfin::text {
namespace {

using BpeSymbol = int32_t;

uint64_t bpe_train_key(BpeSymbol a, BpeSymbol b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

struct BpeWord {
  std::vector<BpeSymbol> symbols;
  int64_t count = 0;
};

struct BpeHeapEntry {
  int64_t count;
  uint64_t key;
};

// Orders the heap: the highest count on top; among equal counts the smallest (first bytes, second
// bytes), compared bytewise, so the result does not depend on hash order or symbol numbering.
struct BpeHeapLess {
  const std::vector<std::string>* tokens;
  bool operator()(const BpeHeapEntry& a, const BpeHeapEntry& b) const {
    if (a.count != b.count) return a.count < b.count;
    const std::string& a_first = (*tokens)[a.key >> 32];
    const std::string& b_first = (*tokens)[b.key >> 32];
    if (const int c = a_first.compare(b_first); c != 0) return c > 0;
    return (*tokens)[a.key & 0xFFFFFFFFu].compare((*tokens)[b.key & 0xFFFFFFFFu]) > 0;
  }
};

// The unique pre-tokens of `texts` with their counts, as byte symbols, in a fixed (sorted) order.
std::vector<BpeWord> bpe_count_words(const std::vector<std::string>& texts) {
  std::unordered_map<std::string_view, int64_t> counts;
  for (const std::string& text : texts)
    for (const std::string_view piece : detail::gpt2_pretokenize(text)) ++counts[piece];
  std::vector<std::pair<std::string_view, int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<BpeWord> words;
  words.reserve(sorted.size());
  for (const auto& [piece, count] : sorted) {
    BpeWord word{.symbols = {}, .count = count};
    for (const char c : piece) word.symbols.push_back(static_cast<unsigned char>(c));
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace

ByteBpeTokenizer ByteBpeTokenizer::train(const std::vector<std::string>& texts, const ByteBpeOptions& options) {
  if (options.vocab_size < 257) {
    throw ValueError(fmt::format("ByteBpeTokenizer::train: vocab_size must be >= 257 (256 bytes and \"{}\"), got {}",
                                 kEndOfText, options.vocab_size));
  }
  if (options.min_frequency < 1) {
    throw ValueError(fmt::format("ByteBpeTokenizer::train: min_frequency must be >= 1, got {}", options.min_frequency));
  }
  std::vector<BpeWord> words = bpe_count_words(texts);
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  std::unordered_map<std::string, int64_t> token_ids;
  for (int b = 0; b < 256; ++b) token_ids.emplace(tokens[static_cast<size_t>(b)], b);

  std::unordered_map<uint64_t, int64_t> pair_counts;
  std::unordered_map<uint64_t, std::vector<int32_t>> pair_words;  // words that hold (or held) the pair
  for (size_t w = 0; w < words.size(); ++w) {
    const auto& s = words[w].symbols;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      const uint64_t key = bpe_train_key(s[i], s[i + 1]);
      pair_counts[key] += words[w].count;
      pair_words[key].push_back(static_cast<int32_t>(w));
    }
  }
  std::priority_queue<BpeHeapEntry, std::vector<BpeHeapEntry>, BpeHeapLess> heap(BpeHeapLess{&tokens});
  for (const auto& [key, count] : pair_counts) heap.push({count, key});

  std::vector<Merge> merges;
  std::unordered_set<uint64_t> merged;
  std::vector<int64_t> visited(words.size(), -1);  // the last step that rewrote each word
  std::unordered_map<uint64_t, int64_t> delta;
  const auto max_tokens = static_cast<size_t>(options.vocab_size - 1);  // room for "<|endoftext|>"
  for (int64_t step = 0; tokens.size() < max_tokens && !heap.empty(); ++step) {
    const BpeHeapEntry top = heap.top();
    heap.pop();
    const auto current = pair_counts.find(top.key);
    if (current == pair_counts.end() || current->second != top.count) continue;  // stale entry
    if (top.count < options.min_frequency) break;
    const auto left = static_cast<BpeSymbol>(top.key >> 32), right = static_cast<BpeSymbol>(top.key & 0xFFFFFFFFu);
    std::string bytes = tokens[static_cast<size_t>(left)] + tokens[static_cast<size_t>(right)];
    // Two different pairs can spell the same bytes ("a"+"bc", "ab"+"c"): they share one token.
    auto [it, fresh] = token_ids.emplace(bytes, static_cast<int64_t>(tokens.size()));
    if (fresh) tokens.push_back(std::move(bytes));
    const auto result = static_cast<BpeSymbol>(it->second);
    // A pair merged before can come back through such a shared token: merge it again, record it once.
    if (merged.insert(top.key).second) merges.push_back({left, right, result});

    delta.clear();
    const std::vector<int32_t> holders = std::move(pair_words[top.key]);
    pair_words.erase(top.key);
    for (const int32_t w : holders) {
      if (visited[static_cast<size_t>(w)] == step) continue;
      visited[static_cast<size_t>(w)] = step;
      BpeWord& word = words[static_cast<size_t>(w)];
      std::vector<BpeSymbol>& s = word.symbols;
      for (size_t i = 0; i + 1 < s.size(); ++i) delta[bpe_train_key(s[i], s[i + 1])] -= word.count;
      size_t out = 0;
      for (size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && s[i] == left && s[i + 1] == right) {
          s[out++] = result;
          i += 2;
        } else {
          s[out++] = s[i++];
        }
      }
      s.resize(out);
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        const uint64_t key = bpe_train_key(s[i], s[i + 1]);
        delta[key] += word.count;
        if (s[i] == result || s[i + 1] == result) pair_words[key].push_back(w);
      }
    }
    for (const auto& [key, change] : delta) {
      if (change == 0) continue;
      int64_t& count = pair_counts[key];
      count += change;
      if (count > 0) {
        heap.push({count, key});
      } else {
        pair_counts.erase(key);
      }
    }
  }
  tokens.emplace_back(kEndOfText);
  const auto eos = static_cast<int64_t>(tokens.size()) - 1;
  return ByteBpeTokenizer(std::move(tokens), std::move(merges), eos);
}

}  // namespace deepfin::text
