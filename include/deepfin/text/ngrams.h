#pragma once
// Word n-grams as extra token ids: fastText's bag of n-grams, or Keras's
// TextVectorization(ngrams=...) without a stored n-gram vocabulary. Every run of
// 2..order consecutive tokens is hashed into one of `buckets` ids numbered after
// the tokenizer's vocabulary, so one Embedding table holds tokens and n-grams.
// Bag-of-n-gram features are what the TF-IDF baselines of small text sets live on;
// they let a model see "not increase" or "operating loss" as one feature.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace deepfin::text {

struct NgramOptions {
  int64_t order = 1;    // 1: tokens only; 2: plus bigrams; 3: plus bigrams and trigrams
  int64_t buckets = 0;  // hash buckets for the n-grams (needed when order > 1)
};

// ValueError unless 1 <= order <= 3 and (order == 1 or buckets >= 1).
void check_ngram_options(const NgramOptions& options);

// The bucket (0 .. buckets-1) of the n-gram ids[0..n): a 64-bit FNV-1a hash of the
// ids, the same on every platform.
int64_t ngram_bucket(const int64_t* ids, int64_t n, int64_t buckets);

// `tokens` (which may start with [CLS]: skip_first) cut to max_length, then the
// hashed n-grams of the kept tokens (ids vocab_size + bucket), bigrams first, as
// many as fit in max_length. *cut (if given) is set when tokens had to be cut.
std::vector<int64_t> with_ngrams(const std::vector<int64_t>& tokens, const NgramOptions& options, int64_t vocab_size,
                                 int64_t max_length, bool skip_first, bool* cut = nullptr);

nlohmann::json ngram_options_to_json(const NgramOptions& options);
// Absent or null JSON: tokens only. FileError for a malformed value.
NgramOptions ngram_options_from_json(const nlohmann::json& json);

}  // namespace deepfin::text
