// Loading GPT-2's vocab.json + merges.txt, and the checks that file and the JSON form share.
#include <fmt/format.h>

#include <unordered_map>

#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/text/byte_bpe.h"
#include "text/gpt2_pretokenize.h"

namespace deepfin::text {
namespace {

// A quoted excerpt of a line or token for a message (files may hold anything).
std::string bpe_quoted(std::string_view text) {
  constexpr size_t kMax = 60;
  return nlohmann::json(std::string(text.substr(0, kMax)) + (text.size() > kMax ? "..." : ""))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ByteBpeTokenizer ByteBpeTokenizer::from_alphabet(const std::vector<std::string>& vocab,
                                                 const std::vector<std::pair<std::string, std::string>>& merges,
                                                 const std::string& source,
                                                 const std::function<std::string(size_t)>& merge_where) {
  std::vector<std::string> tokens(vocab.size());
  std::unordered_map<std::string, int64_t> ids;  // by spelling in the alphabet
  ids.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    if (vocab[i].empty()) throw FileError(fmt::format("{}: token {} is empty", source, i));
    if (!detail::gpt2_unicode_to_bytes(vocab[i], tokens[i])) {
      throw FileError(fmt::format("{}: token {} (id {}) has a character outside GPT-2's byte-to-unicode alphabet",
                                  source, bpe_quoted(vocab[i]), i));
    }
    if (const auto [it, fresh] = ids.emplace(vocab[i], static_cast<int64_t>(i)); !fresh) {
      throw FileError(
          fmt::format("{}: token {} is listed twice (ids {} and {})", source, bpe_quoted(vocab[i]), it->second, i));
    }
  }
  for (int b = 0; b < 256; ++b) {
    const std::string spelled = detail::gpt2_bytes_to_unicode(std::string(1, static_cast<char>(b)));
    if (!ids.contains(spelled))
      throw FileError(fmt::format("{}: no token for byte 0x{:02X} ({})", source, b, bpe_quoted(spelled)));
  }
  const auto eos = ids.find(std::string(kEndOfText));
  if (eos == ids.end()) throw FileError(fmt::format("{}: no \"{}\" token", source, kEndOfText));

  std::vector<Merge> resolved;
  resolved.reserve(merges.size());
  std::unordered_map<uint64_t, size_t> seen;
  seen.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const auto& [left, right] = merges[i];
    const auto find = [&](const std::string& token, const char* what) {
      const auto it = ids.find(token);
      if (it == ids.end()) {
        throw FileError(fmt::format("{}: merge {}: {} {} is not in the vocabulary", merge_where(i),
                                    bpe_quoted(left + " " + right), what, bpe_quoted(token)));
      }
      return it->second;
    };
    const Merge merge{find(left, "the first token"), find(right, "the second token"), find(left + right, "the result")};
    const uint64_t key = (static_cast<uint64_t>(merge.left) << 32) | static_cast<uint64_t>(merge.right);
    if (const auto [it, fresh] = seen.emplace(key, i); !fresh) {
      throw FileError(fmt::format("{}: merge {} is listed twice (first as {})", merge_where(i),
                                  bpe_quoted(left + " " + right), merge_where(it->second)));
    }
    resolved.push_back(merge);
  }
  return ByteBpeTokenizer(std::move(tokens), std::move(resolved), eos->second);
}

ByteBpeTokenizer ByteBpeTokenizer::from_gpt2_files(const std::string& vocab_json_path,
                                                   const std::string& merges_txt_path) {
  nlohmann::json vocab_json;
  try {
    vocab_json = nlohmann::json::parse(io::read_file(vocab_json_path));
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: not valid JSON: {}", vocab_json_path, e.what()));
  }
  if (!vocab_json.is_object()) {
    throw FileError(fmt::format("{}: expected a JSON object mapping each token to its id, got {}", vocab_json_path,
                                vocab_json.type_name()));
  }
  const auto size = static_cast<int64_t>(vocab_json.size());
  std::vector<std::string> vocab(vocab_json.size());
  for (const auto& [token, id] : vocab_json.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= size) {
      throw FileError(fmt::format("{}: token {}: the id must be an integer in [0, {}) (the number of tokens), got {}",
                                  vocab_json_path, bpe_quoted(token), size, id.dump().substr(0, 40)));
    }
    if (token.empty()) throw FileError(fmt::format("{}: the empty string is not a token", vocab_json_path));
    std::string& slot = vocab[static_cast<size_t>(id.get<int64_t>())];
    if (!slot.empty()) {
      throw FileError(fmt::format("{}: id {} is given to both {} and {}", vocab_json_path, id.get<int64_t>(),
                                  bpe_quoted(slot), bpe_quoted(token)));
    }
    slot = token;
  }

  const std::string text = io::read_file(merges_txt_path);
  std::vector<std::pair<std::string, std::string>> merges;
  std::vector<size_t> lines;  // the line number of each merge
  size_t line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_number == 1 && line.starts_with("#version"))) continue;
    const size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      throw FileError(fmt::format("{}:{}: expected two tokens separated by one space, got {}", merges_txt_path,
                                  line_number, bpe_quoted(line)));
    }
    merges.emplace_back(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
    lines.push_back(line_number);
  }
  return from_alphabet(vocab, merges, vocab_json_path,
                       [&](size_t i) { return fmt::format("{}:{}", merges_txt_path, lines[i]); });
}

}  // namespace deepfin::text
