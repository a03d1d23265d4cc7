#include "deepfin/text/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/error.h"
#include "text/pretokenize.h"
#include "text/utf8.h"
#include "text/wordpiece_trainer.h"

namespace deepfin::text {
namespace {

const std::vector<std::string> kSpecialTokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

}  // namespace

Tokenizer Tokenizer::train(const std::vector<std::string>& texts, const TokenizerOptions& options) {
  if (options.vocab_size <= kNumSpecialTokens) {
    throw ValueError(fmt::format("Tokenizer::train: vocab_size {} leaves no room beyond the {} special tokens",
                                 options.vocab_size, kNumSpecialTokens));
  }
  if (options.min_frequency < 1) {
    throw ValueError(fmt::format("Tokenizer::train: min_frequency must be >= 1, got {}", options.min_frequency));
  }
  std::unordered_map<std::string, int64_t> word_counts;
  std::string key;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string normalized;
    try {
      normalized = normalize(texts[i], options.normalizer);
    } catch (const ValueError& e) {
      throw ValueError(fmt::format("Tokenizer::train: text {}: {}", i, e.what()));
    }
    for (const detail::Piece& piece : detail::pretokenize(normalized)) {
      if (piece.text.size() > static_cast<size_t>(4 * kMaxWordChars)) continue;  // surely [UNK]: not worth learning
      key.assign(piece.glued ? detail::kContinuation : std::string_view());
      key.append(piece.text);
      ++word_counts[key];
    }
  }
  std::vector<std::string> vocabulary = kSpecialTokens;
  for (std::string& token :
       detail::train_wordpiece(word_counts, options.vocab_size - kNumSpecialTokens, options.min_frequency)) {
    vocabulary.push_back(std::move(token));
  }
  return Tokenizer(std::move(vocabulary), options.normalizer);
}

Tokenizer::Tokenizer(std::vector<std::string> vocabulary, NormalizerOptions normalizer)
    : vocabulary_(std::move(vocabulary)), normalizer_(normalizer) {
  if (vocabulary_.size() < kSpecialTokens.size() ||
      !std::equal(kSpecialTokens.begin(), kSpecialTokens.end(), vocabulary_.begin())) {
    throw ValueError(fmt::format("Tokenizer: the vocabulary must start with {}", fmt::join(kSpecialTokens, " ")));
  }
  ids_.reserve(vocabulary_.size());
  for (size_t i = 0; i < vocabulary_.size(); ++i) {
    const std::string& token = vocabulary_[i];
    if (token.empty() || token == detail::kContinuation) {
      throw ValueError(fmt::format("Tokenizer: vocabulary entry {} is empty", i));
    }
    if (detail::first_invalid_utf8(token) >= 0) {
      throw ValueError(fmt::format("Tokenizer: vocabulary entry {} is not valid UTF-8", i));
    }
    if (!ids_.emplace(token, static_cast<int64_t>(i)).second) {
      throw ValueError(
          fmt::format("Tokenizer: vocabulary entry {} '{}' is a duplicate of entry {}", i, token, ids_.at(token)));
    }
    longest_token_bytes_ = std::max(longest_token_bytes_, token.size());
  }
}

// Greedy longest match from the left; a word with any unmatched part is one [UNK].
void Tokenizer::append_word_pieces(std::string_view word, bool glued, std::vector<int64_t>& ids) const {
  std::vector<size_t> boundaries;  // byte offsets of the characters, plus the end
  for (size_t pos = 0; pos < word.size();) {
    boundaries.push_back(pos);
    int32_t codepoint = 0;
    pos += static_cast<size_t>(detail::decode_codepoint(word, pos, codepoint));
  }
  boundaries.push_back(word.size());
  const size_t chars = boundaries.size() - 1;
  if (chars > static_cast<size_t>(kMaxWordChars)) {
    ids.push_back(kUnknownId);
    return;
  }
  const size_t first_piece = ids.size();
  std::string candidate;
  for (size_t start = 0; start < chars;) {
    const bool continuation = glued || start > 0;
    const size_t prefix = continuation ? detail::kContinuation.size() : 0;
    int64_t found = -1;
    size_t end = chars;
    for (; end > start; --end) {
      const size_t bytes = boundaries[end] - boundaries[start];
      if (prefix + bytes > longest_token_bytes_) continue;
      candidate.assign(continuation ? detail::kContinuation : std::string_view());
      candidate.append(word.substr(boundaries[start], bytes));
      if (const auto it = ids_.find(candidate); it != ids_.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {
      ids.resize(first_piece);
      ids.push_back(kUnknownId);
      return;
    }
    ids.push_back(found);
    start = end;
  }
}

std::vector<int64_t> Tokenizer::encode(std::string_view text) const {
  const std::string normalized = normalize(text, normalizer_);
  std::vector<int64_t> ids{kClsId};
  for (const detail::Piece& piece : detail::pretokenize(normalized)) append_word_pieces(piece.text, piece.glued, ids);
  return ids;
}

Tokenizer::Encoded Tokenizer::encode_batch(const std::vector<std::string>& texts, int64_t max_length) const {
  if (max_length < 1)
    throw ValueError(fmt::format("Tokenizer::encode_batch: max_length must be >= 1, got {}", max_length));
  const auto n = static_cast<int64_t>(texts.size());
  Encoded encoded{.ids = Tensor::empty({n, max_length}, DType::int64), .truncated = 0};
  int64_t* out = encoded.ids.data<int64_t>();
  std::fill(out, out + n * max_length, kPadId);
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> ids;
    try {
      ids = encode(texts[static_cast<size_t>(i)]);
    } catch (const ValueError& e) {
      throw ValueError(fmt::format("Tokenizer::encode_batch: text {}: {}", i, e.what()));
    }
    if (static_cast<int64_t>(ids.size()) > max_length) ++encoded.truncated;
    const int64_t kept = std::min(static_cast<int64_t>(ids.size()), max_length);
    std::copy(ids.begin(), ids.begin() + kept, out + i * max_length);
  }
  return encoded;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string out;
  for (const int64_t id : ids) {
    if (id == kPadId || id == kClsId || id == kSepId || id == kMaskId) continue;
    const std::string& piece = token(id);
    if (detail::is_continuation(piece)) {
      out.append(piece, detail::kContinuation.size());
    } else {
      if (!out.empty()) out.push_back(' ');
      out.append(piece);
    }
  }
  return out;
}

const std::string& Tokenizer::token(int64_t id) const {
  if (id < 0 || id >= vocab_size()) {
    throw IndexError(fmt::format("Tokenizer: token id {} is outside the vocabulary [0, {})", id, vocab_size()));
  }
  return vocabulary_[static_cast<size_t>(id)];
}

int64_t Tokenizer::id(std::string_view token) const {
  const auto it = ids_.find(std::string(token));
  return it == ids_.end() ? -1 : it->second;
}

}  // namespace deepfin::text
