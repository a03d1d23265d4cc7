// Saving and loading a Tokenizer as JSON, and its fingerprint.
#include <fmt/format.h>

#include <optional>

#include "deepfin/base/error.h"
#include "deepfin/text/tokenizer.h"
#include "text/json_fields.h"

namespace deepfin::text {
namespace {

constexpr int kFormatVersion = 1;

const nlohmann::json& require(const nlohmann::json& object, const std::string& key, nlohmann::json::value_t type,
                              const char* type_name) {
  return detail::require_field(object, key, type, type_name, "tokenizer");
}

}  // namespace

nlohmann::json Tokenizer::to_json() const {
  return {
      {"type", "wordpiece"},
      {"version", kFormatVersion},
      {"normalizer",
       {{"nfc", normalizer_.nfc}, {"lowercase", normalizer_.lowercase}, {"strip_accents", normalizer_.strip_accents}}},
      {"vocab", vocabulary_},
      {"fingerprint", fingerprint()}};
}

Tokenizer Tokenizer::from_json(const nlohmann::json& json) {
  using Type = nlohmann::json::value_t;
  if (!json.is_object()) throw FileError(fmt::format("tokenizer JSON: expected an object, got {}", json.type_name()));
  if (const auto& type = require(json, "type", Type::string, "a string"); type != "wordpiece") {
    throw FileError(fmt::format("tokenizer JSON: key 'type' must be \"wordpiece\", got {}", type.dump()));
  }
  if (const auto& version = require(json, "version", Type::number_integer, "an integer"); version != kFormatVersion) {
    throw FileError(fmt::format("tokenizer JSON: key 'version' is {}, this build reads version {}", version.dump(),
                                kFormatVersion));
  }
  const auto& normalizer_json = require(json, "normalizer", Type::object, "an object");
  NormalizerOptions normalizer;
  for (auto [key, field] : {std::pair{"nfc", &normalizer.nfc}, std::pair{"lowercase", &normalizer.lowercase},
                            std::pair{"strip_accents", &normalizer.strip_accents}}) {
    try {
      *field = require(normalizer_json, key, Type::boolean, "a boolean").get<bool>();
    } catch (const FileError&) {
      throw FileError(fmt::format("tokenizer JSON: key 'normalizer.{}' is missing or not a boolean", key));
    }
  }
  const auto& vocab_json = require(json, "vocab", Type::array, "an array of strings");
  std::vector<std::string> vocabulary;
  vocabulary.reserve(vocab_json.size());
  for (size_t i = 0; i < vocab_json.size(); ++i) {
    if (!vocab_json[i].is_string())
      throw FileError(fmt::format("tokenizer JSON: key 'vocab' entry {} is not a string", i));
    vocabulary.push_back(vocab_json[i].get<std::string>());
  }
  std::optional<Tokenizer> tokenizer;
  try {
    tokenizer.emplace(std::move(vocabulary), normalizer);
  } catch (const ValueError& e) {
    throw FileError(fmt::format("tokenizer JSON: key 'vocab': {}", e.what()));
  }
  if (json.contains("fingerprint")) {
    const auto& stored = require(json, "fingerprint", Type::string, "a string");
    if (stored != tokenizer->fingerprint()) {
      throw FileError(
          fmt::format("tokenizer JSON: key 'fingerprint' {} does not match the vocabulary ({}): the file "
                      "was edited or damaged",
                      stored.dump(), tokenizer->fingerprint()));
    }
  }
  return std::move(*tokenizer);
}

std::string Tokenizer::fingerprint() const {
  uint64_t hash = detail::kFnvOffset;
  const char flags[] = {normalizer_.nfc ? 'n' : '-', normalizer_.lowercase ? 'l' : '-',
                        normalizer_.strip_accents ? 's' : '-', '\0'};
  detail::fnv1a(hash, std::string_view(flags, 4));
  for (const std::string& token : vocabulary_) detail::fnv1a(hash, std::string_view(token.c_str(), token.size() + 1));
  return fmt::format("{:016x}", hash);
}

}  // namespace deepfin::text
