#pragma once
// A GPT-2-style byte-level BPE tokenizer, for the language models.
//
// Why byte-level BPE (not the WordPiece of tokenizer.h): a language model must be able to write any
// text back out exactly. Here every byte string encodes (there is no [UNK]: the 256 single bytes are
// tokens) and decode(encode(x)) == x for any bytes, invalid UTF-8 included; nothing is normalized.
// It is also what GPT-2 and its successors use, so their vocab.json + merges.txt load as they are and
// give the same ids as GPT-2's encoder.py (and tiktoken's "gpt2").
//
// encode(): the text is split by GPT-2's pre-tokenizer pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (each byte of invalid UTF-8 counts as one non-letter, non-number, non-space character), and inside
// each piece the pair of adjacent tokens with the lowest merge rank is merged, all its occurrences
// left to right, until no adjacent pair has a merge (encoder.py's bpe()).
//
// "<|endoftext|>" in the input is plain text (as tiktoken's default): a caller that wants the
// end-of-text token appends eos_id() itself, so user text can never inject it.
#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace deepfin::text {

struct ByteBpeOptions {
  int64_t vocab_size = 8000;  // upper bound: 256 bytes + merges + "<|endoftext|>"; training may stop earlier
  int64_t min_frequency = 2;  // a merge needs a pair seen at least this often
};

class ByteBpeTokenizer {
 public:
  static constexpr std::string_view kEndOfText = "<|endoftext|>";

  // Learns merges from `texts`: starting from the 256 byte tokens (id = byte value), repeatedly merges
  // the most frequent adjacent pair inside the pre-tokens (ties: the smallest pair of token bytes,
  // compared first token first), until vocab_size - 1 tokens or no pair is seen min_frequency times;
  // then appends "<|endoftext|>". ValueError for vocab_size < 257 or min_frequency < 1. Deterministic.
  static ByteBpeTokenizer train(const std::vector<std::string>& texts, const ByteBpeOptions& options = {});

  // GPT-2's files: vocab.json maps each token (spelled in GPT-2's byte-to-unicode alphabet) to its id,
  // the ids being 0..N-1; merges.txt has an optional "#version" line, then one "a b" merge per line,
  // in rank order. FileError naming the file (and line) for a missing file or a malformed entry: a
  // merge whose parts or result is not in the vocabulary, a byte without a token, no "<|endoftext|>".
  static ByteBpeTokenizer from_gpt2_files(const std::string& vocab_json_path, const std::string& merges_txt_path);

  // The ids of any bytes. Never throws for the content of `bytes`.
  std::vector<int64_t> encode(std::string_view bytes) const;
  // The bytes of the tokens, concatenated: the exact inverse of encode(). IndexError for an id outside
  // the vocabulary, naming it and its position.
  std::string decode(const std::vector<int64_t>& ids) const;
  // The raw bytes of one token (a token may end inside a UTF-8 character: a streaming writer should
  // hold back an incomplete character). IndexError outside the vocabulary.
  const std::string& token_bytes(int64_t id) const;

  int64_t vocab_size() const { return static_cast<int64_t>(tokens_.size()); }
  int64_t eos_id() const { return eos_id_; }
  int64_t num_merges() const { return static_cast<int64_t>(merges_.size()); }
  // The id of the token with these bytes, or -1.
  int64_t id(std::string_view bytes) const;

  // {"type": "byte_bpe", "version": 1, "vocab": [token per id], "merges": ["a b", ...], "fingerprint": ...}
  // with tokens in GPT-2's alphabet (JSON strings must be UTF-8; the token bytes need not be).
  nlohmann::json to_json() const;
  // FileError naming the missing or bad key (or a fingerprint that does not match).
  static ByteBpeTokenizer from_json(const nlohmann::json& json);
  // 16 hex digits of a 64-bit FNV-1a hash of the vocabulary and the merges: a model saved with one
  // tokenizer can refuse a tokenizer whose ids mean something else.
  std::string fingerprint() const;

 private:
  struct Merge {
    int64_t left, right, result;
  };
  ByteBpeTokenizer(std::vector<std::string> tokens, std::vector<Merge> merges, int64_t eos_id);
  // The shared checks of the two file formats: `vocab` in GPT-2's alphabet, in id order; `merges` as
  // (left, right) in the alphabet. Errors start with `source` and name merge i by `merge_where(i)`.
  static ByteBpeTokenizer from_alphabet(const std::vector<std::string>& vocab,
                                        const std::vector<std::pair<std::string, std::string>>& merges,
                                        const std::string& source,
                                        const std::function<std::string(size_t)>& merge_where);
  void encode_piece(std::string_view piece, std::vector<int64_t>& ids) const;

  std::vector<std::string> tokens_;  // raw bytes, by id
  std::vector<Merge> merges_;        // in rank order
  std::unordered_map<std::string, int64_t> ids_;
  std::unordered_map<uint64_t, std::pair<int64_t, int64_t>> ranks_;  // (left, right) -> (rank, result)
  std::array<int64_t, 256> byte_ids_{};
  int64_t eos_id_ = -1;
};

}  // namespace deepfin::text
