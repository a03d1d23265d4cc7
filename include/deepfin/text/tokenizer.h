#pragma once
// A trainable WordPiece tokenizer for short financial texts (news sentences,
// customer-service messages).
//
// Why WordPiece: encoding is a greedy longest match against the vocabulary, so a
// typo ("recieved") or a rare company name still splits into known pieces instead
// of one unknown token, which matters for short customer messages; it is what
// BERT uses, so the [CLS]/[MASK] conventions carry over. The vocabulary is learned
// like Hugging Face's WordPiece trainer does: byte-pair-style merges of the most
// frequent adjacent pieces, starting from every character.
//
// Pre-tokenization (after normalize()): whitespace separates words; every
// punctuation or symbol character (Unicode P* and S*: ',', '%', '$', '€') and
// every decimal digit is a token of its own, so "EUR131m" is "eur" "1" "3" "1" "m":
// numbers are spelled with ten digit tokens rather than spending vocabulary on
// arbitrary number chunks, and any amount can be represented.
//
// "##" marks a piece that follows the previous one with no space between them,
// both inside a word ("recieved" → "rec" "##ieved") and for glued punctuation or
// digits ("5.2%" → "5" "##." "##2" "##%"). So decode(encode(x)) == normalize(x)
// whenever nothing in x is unknown. Every character seen in training is in the
// vocabulary in both forms (plain and "##"), so only characters never seen in
// training (or a word longer than 100 characters) give [UNK], for the whole word.
//
// Special tokens: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4. encode() returns
// [CLS] followed by the word pieces; an empty (or all-whitespace) text is just
// [CLS]. [SEP] is reserved for sentence pairs; [MASK] for masked-LM pretraining.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/text/normalizer.h"

namespace deepfin::text {

struct TokenizerOptions {
  int64_t vocab_size = 8000;  // upper bound, special tokens included; training may stop earlier
  int64_t min_frequency = 2;  // a merge needs a pair seen at least this often (characters are always kept)
  NormalizerOptions normalizer{};
};

class Tokenizer {
 public:
  static constexpr int64_t kPadId = 0, kUnknownId = 1, kClsId = 2, kSepId = 3, kMaskId = 4;
  static constexpr int64_t kNumSpecialTokens = 5;
  static constexpr int64_t kMaxWordChars = 100;  // longer words are [UNK], as in BERT

  // Learns a vocabulary from `texts`. ValueError if vocab_size leaves no room beyond the special
  // tokens or min_frequency < 1. Deterministic: the same texts and options give the same vocabulary.
  // If the characters alone exceed vocab_size, the most frequent ones are kept.
  static Tokenizer train(const std::vector<std::string>& texts, const TokenizerOptions& options = {});
  // A tokenizer over a given vocabulary (id order); the first five must be the special tokens.
  // ValueError for a bad vocabulary (missing specials, duplicates, empty tokens).
  Tokenizer(std::vector<std::string> vocabulary, NormalizerOptions normalizer);

  // [CLS] followed by the word-piece ids of normalize(text). ValueError for invalid UTF-8.
  std::vector<int64_t> encode(std::string_view text) const;

  struct Encoded {
    Tensor ids;             // (N, max_length) int64: encode(text) cut to max_length, then padded with [PAD]=0
    int64_t truncated = 0;  // how many texts were longer than max_length and were cut
  };
  // ValueError if max_length < 1 (naming it) or if a text is invalid UTF-8 (naming its index).
  Encoded encode_batch(const std::vector<std::string>& texts, int64_t max_length) const;

  // The text of the pieces: "##" pieces join the previous one, others follow a space; [PAD], [CLS],
  // [SEP] and [MASK] are skipped, [UNK] is written as "[UNK]". IndexError for an id outside the vocabulary.
  std::string decode(const std::vector<int64_t>& ids) const;

  int64_t vocab_size() const { return static_cast<int64_t>(vocabulary_.size()); }
  int64_t pad_id() const { return kPadId; }
  int64_t unknown_id() const { return kUnknownId; }
  int64_t cls_id() const { return kClsId; }
  int64_t sep_id() const { return kSepId; }
  int64_t mask_id() const { return kMaskId; }
  const NormalizerOptions& normalizer() const { return normalizer_; }
  // The token with this id (IndexError outside the vocabulary), and the id of a token (or -1).
  const std::string& token(int64_t id) const;
  int64_t id(std::string_view token) const;
  const std::vector<std::string>& vocabulary() const { return vocabulary_; }

  // {"type": "wordpiece", "version": 1, "normalizer": {...}, "vocab": [...], "fingerprint": "..."}.
  nlohmann::json to_json() const;
  // FileError naming the missing or bad key (or the fingerprint that does not match the vocabulary).
  static Tokenizer from_json(const nlohmann::json& json);
  // 16 hex digits of a 64-bit FNV-1a hash of the vocabulary and normalizer options: a model saved with
  // one tokenizer can refuse a tokenizer file whose ids mean something else.
  std::string fingerprint() const;

 private:
  void append_word_pieces(std::string_view word, bool glued, std::vector<int64_t>& ids) const;

  std::vector<std::string> vocabulary_;
  std::unordered_map<std::string, int64_t> ids_;
  NormalizerOptions normalizer_;
  size_t longest_token_bytes_ = 0;
};

}  // namespace deepfin::text
