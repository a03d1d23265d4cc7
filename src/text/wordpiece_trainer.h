#pragma once
// Learning a WordPiece vocabulary from word counts (private header).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace deepfin::text::detail {

// `word_counts` maps each pre-tokenized piece, written as a token ("##" prefix when glued), to its
// count. Returns the learned tokens without the special ones: every kept character in both forms
// (plain and "##"), most frequent first, then the merged pieces in the order they were learned,
// until `max_tokens` tokens or no adjacent pair is seen `min_frequency` times.
std::vector<std::string> train_wordpiece(const std::unordered_map<std::string, int64_t>& word_counts,
                                         int64_t max_tokens, int64_t min_frequency);

}  // namespace deepfin::text::detail
