// ByteBpeTokenizer: encode and decode (encoder.py's bpe() over token ids), and its JSON form.
#include "deepfin/text/byte_bpe.h"

#include <fmt/format.h>

#include <limits>

#include "deepfin/base/error.h"
#include "text/gpt2_pretokenize.h"
#include "text/json_fields.h"

namespace deepfin::text {
namespace {

constexpr int kBpeFormatVersion = 1;

uint64_t bpe_pair_key(int64_t left, int64_t right) {
  return (static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right);
}

const nlohmann::json& bpe_require(const nlohmann::json& object, const std::string& key, nlohmann::json::value_t type,
                                  const char* type_name) {
  return detail::require_field(object, key, type, type_name, "byte BPE");
}

// A JSON value for a message, cut short; never throws on invalid UTF-8 in a hand-built value.
std::string bpe_shown(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 80);
}

// FNV-1a over 64-bit little-endian integers (lengths and ids), so no separator byte is needed.
void bpe_fnv1a(uint64_t& hash, std::string_view bytes) {
  detail::fnv1a(hash, bytes);
}
void bpe_fnv1a(uint64_t& hash, int64_t value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF);
  detail::fnv1a(hash, std::string_view(bytes, 8));
}

}  // namespace

ByteBpeTokenizer::ByteBpeTokenizer(std::vector<std::string> tokens, std::vector<Merge> merges, int64_t eos_id)
    : tokens_(std::move(tokens)), merges_(std::move(merges)), eos_id_(eos_id) {
  ids_.reserve(tokens_.size());
  for (size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], static_cast<int64_t>(i));
  ranks_.reserve(merges_.size());
  for (size_t r = 0; r < merges_.size(); ++r)
    ranks_.emplace(bpe_pair_key(merges_[r].left, merges_[r].right),
                   std::pair{static_cast<int64_t>(r), merges_[r].result});
  for (size_t b = 0; b < 256; ++b) byte_ids_[b] = ids_.at(std::string(1, static_cast<char>(b)));
}

void ByteBpeTokenizer::encode_piece(std::string_view piece, std::vector<int64_t>& ids) const {
  std::vector<int64_t> word;
  word.reserve(piece.size());
  for (const char c : piece) word.push_back(byte_ids_[static_cast<unsigned char>(c)]);
  while (word.size() > 1) {
    // The adjacent pair of lowest rank...
    int64_t best_rank = std::numeric_limits<int64_t>::max();
    int64_t left = -1, right = -1, result = -1;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const auto it = ranks_.find(bpe_pair_key(word[i], word[i + 1]));
      if (it != ranks_.end() && it->second.first < best_rank) {
        best_rank = it->second.first;
        left = word[i];
        right = word[i + 1];
        result = it->second.second;
      }
    }
    if (result < 0) break;
    // ...merged wherever it occurs, left to right without overlap.
    size_t out = 0;
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == left && word[i + 1] == right) {
        word[out++] = result;
        i += 2;
      } else {
        word[out++] = word[i++];
      }
    }
    word.resize(out);
  }
  ids.insert(ids.end(), word.begin(), word.end());
}

std::vector<int64_t> ByteBpeTokenizer::encode(std::string_view bytes) const {
  std::vector<int64_t> ids;
  ids.reserve(bytes.size() / 3 + 1);
  for (const std::string_view piece : detail::gpt2_pretokenize(bytes)) encode_piece(piece, ids);
  return ids;
}

std::string ByteBpeTokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab_size()) {
      throw IndexError(fmt::format("ByteBpeTokenizer::decode: id {} at position {} is outside the vocabulary [0, {})",
                                   ids[i], i, vocab_size()));
    }
    out += tokens_[static_cast<size_t>(ids[i])];
  }
  return out;
}

const std::string& ByteBpeTokenizer::token_bytes(int64_t id) const {
  if (id < 0 || id >= vocab_size()) {
    throw IndexError(
        fmt::format("ByteBpeTokenizer::token_bytes: id {} is outside the vocabulary [0, {})", id, vocab_size()));
  }
  return tokens_[static_cast<size_t>(id)];
}

int64_t ByteBpeTokenizer::id(std::string_view bytes) const {
  const auto it = ids_.find(std::string(bytes));
  return it == ids_.end() ? -1 : it->second;
}

nlohmann::json ByteBpeTokenizer::to_json() const {
  nlohmann::json vocab = nlohmann::json::array();
  for (const std::string& token : tokens_) vocab.push_back(detail::gpt2_bytes_to_unicode(token));
  nlohmann::json merges = nlohmann::json::array();
  for (const Merge& m : merges_) {
    merges.push_back(vocab[static_cast<size_t>(m.left)].get<std::string>() + " " +
                     vocab[static_cast<size_t>(m.right)].get<std::string>());
  }
  return {{"type", "byte_bpe"},
          {"version", kBpeFormatVersion},
          {"vocab", std::move(vocab)},
          {"merges", std::move(merges)},
          {"fingerprint", fingerprint()}};
}

ByteBpeTokenizer ByteBpeTokenizer::from_json(const nlohmann::json& json) {
  using Type = nlohmann::json::value_t;
  if (!json.is_object()) throw FileError(fmt::format("byte BPE JSON: expected an object, got {}", json.type_name()));
  if (const auto& type = bpe_require(json, "type", Type::string, "a string"); type != "byte_bpe") {
    throw FileError(fmt::format("byte BPE JSON: key 'type' must be \"byte_bpe\", got {}", bpe_shown(type)));
  }
  if (const auto& version = bpe_require(json, "version", Type::number_integer, "an integer");
      version != kBpeFormatVersion) {
    throw FileError(fmt::format("byte BPE JSON: key 'version' is {}, this build reads version {}", bpe_shown(version),
                                kBpeFormatVersion));
  }
  const auto& vocab_json = bpe_require(json, "vocab", Type::array, "an array of strings");
  std::vector<std::string> vocab;
  vocab.reserve(vocab_json.size());
  for (size_t i = 0; i < vocab_json.size(); ++i) {
    if (!vocab_json[i].is_string())
      throw FileError(fmt::format("byte BPE JSON: key 'vocab' entry {} is not a string", i));
    vocab.push_back(vocab_json[i].get<std::string>());
  }
  const auto& merges_json = bpe_require(json, "merges", Type::array, "an array of strings");
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(merges_json.size());
  for (size_t i = 0; i < merges_json.size(); ++i) {
    const std::string line = merges_json[i].is_string() ? merges_json[i].get<std::string>() : std::string();
    const size_t space = line.find(' ');
    if (space == 0 || space == std::string::npos || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string::npos) {
      throw FileError(fmt::format("byte BPE JSON: key 'merges' entry {} must be a string \"a b\" of two tokens, got {}",
                                  i, bpe_shown(merges_json[i])));
    }
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  ByteBpeTokenizer tokenizer = from_alphabet(vocab, merges, "byte BPE JSON: key 'vocab'", [](size_t i) {
    return fmt::format("byte BPE JSON: key 'merges' entry {}", i);
  });
  if (json.contains("fingerprint")) {
    const auto& stored = bpe_require(json, "fingerprint", Type::string, "a string");
    if (stored != tokenizer.fingerprint()) {
      throw FileError(fmt::format(
          "byte BPE JSON: key 'fingerprint' {} does not match the vocabulary and merges ({}): the file was edited "
          "or damaged",
          bpe_shown(stored), tokenizer.fingerprint()));
    }
  }
  return tokenizer;
}

std::string ByteBpeTokenizer::fingerprint() const {
  uint64_t hash = detail::kFnvOffset;
  bpe_fnv1a(hash, std::string_view("byte_bpe"));
  bpe_fnv1a(hash, vocab_size());
  for (const std::string& token : tokens_) {
    bpe_fnv1a(hash, static_cast<int64_t>(token.size()));
    bpe_fnv1a(hash, token);
  }
  bpe_fnv1a(hash, num_merges());
  for (const Merge& m : merges_) {
    bpe_fnv1a(hash, m.left);
    bpe_fnv1a(hash, m.right);
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace deepfin::text
