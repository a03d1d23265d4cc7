// Tokenizer JSON round trip, fingerprints, and the FileError for each bad key.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/text/tokenizer.h"

namespace deepfin::text {
namespace {

Tokenizer small_tokenizer(NormalizerOptions normalizer = {}) {
  return Tokenizer::train({"Net sales rose 5.2 % to EUR 205.5 mn.", "Operating profit fell.", "Net profit rose."},
                          {.vocab_size = 200, .min_frequency = 2, .normalizer = normalizer});
}

void expect_file_error(const nlohmann::json& json, const std::string& needle) {
  try {
    Tokenizer::from_json(json);
    ADD_FAILURE() << "no error for " << json.dump().substr(0, 200);
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TokenizerJson, RoundTripKeepsVocabularyNormalizerAndEncoding) {
  const Tokenizer original = small_tokenizer({.lowercase = false, .strip_accents = true});
  const nlohmann::json json = nlohmann::json::parse(original.to_json().dump());
  const Tokenizer loaded = Tokenizer::from_json(json);
  EXPECT_EQ(loaded.vocabulary(), original.vocabulary());
  EXPECT_FALSE(loaded.normalizer().lowercase);
  EXPECT_TRUE(loaded.normalizer().strip_accents);
  EXPECT_EQ(loaded.fingerprint(), original.fingerprint());
  EXPECT_EQ(loaded.encode("Net profit r\xC3\xA9se 7 %"), original.encode("Net profit r\xC3\xA9se 7 %"));
  EXPECT_EQ(json.at("fingerprint"), original.fingerprint());
}

TEST(TokenizerJson, FingerprintChangesWithTheVocabularyOrTheNormalizer) {
  const Tokenizer base = small_tokenizer();
  EXPECT_EQ(base.fingerprint().size(), 16u);
  EXPECT_EQ(base.fingerprint(), small_tokenizer().fingerprint());
  std::vector<std::string> vocab = base.vocabulary();
  std::swap(vocab[6], vocab[7]);  // same tokens, two ids swapped
  EXPECT_NE(Tokenizer(vocab, {}).fingerprint(), base.fingerprint());
  vocab = base.vocabulary();
  vocab.back() += "x";
  EXPECT_NE(Tokenizer(vocab, {}).fingerprint(), base.fingerprint());
  EXPECT_NE(Tokenizer(base.vocabulary(), {.lowercase = false}).fingerprint(), base.fingerprint());
}

TEST(TokenizerJson, EachBadKeyIsNamed) {
  const nlohmann::json good = small_tokenizer().to_json();
  expect_file_error(nlohmann::json::array(), "expected an object");
  nlohmann::json j = good;
  j.erase("vocab");
  expect_file_error(j, "missing key 'vocab'");
  j = good;
  j["vocab"] = "abc";
  expect_file_error(j, "key 'vocab' must be an array of strings");
  j = good;
  j["vocab"][7] = 3;
  expect_file_error(j, "key 'vocab' entry 7 is not a string");
  j = good;
  j["vocab"][7] = j["vocab"][6];
  j.erase("fingerprint");
  expect_file_error(j, "key 'vocab': Tokenizer: vocabulary entry 7");
  j = good;
  j["vocab"].erase(0);
  j.erase("fingerprint");
  expect_file_error(j, "key 'vocab': Tokenizer: the vocabulary must start with [PAD]");
  j = good;
  j["type"] = "bpe";
  expect_file_error(j, "key 'type' must be \"wordpiece\"");
  j = good;
  j["version"] = 2;
  expect_file_error(j, "key 'version' is 2");
  j = good;
  j.erase("normalizer");
  expect_file_error(j, "missing key 'normalizer'");
  j = good;
  j["normalizer"]["lowercase"] = "yes";
  expect_file_error(j, "key 'normalizer.lowercase'");
  expect_file_error(nlohmann::json::object(), "missing key");  // empty
  j = good;
  j["vocab"][7] = "\xff";  // a vocabulary entry that is not UTF-8
  j.erase("fingerprint");
  expect_file_error(j, "UTF-8");
  j = good;
  j["vocab"].push_back("zzz");  // edited after saving
  expect_file_error(j, "key 'fingerprint'");
  j.erase("fingerprint");  // without a stored fingerprint the edited vocabulary loads
  EXPECT_EQ(Tokenizer::from_json(j).vocab_size(), small_tokenizer().vocab_size() + 1);
}

}  // namespace
}  // namespace deepfin::text
