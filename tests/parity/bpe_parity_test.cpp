// The GPT-2 byte-level BPE tokenizer against an independent Python re-implementation of GPT-2's
// encoder.py (generate_bpe_fixtures.py): the same pre-token pieces and the same ids for ~40 texts
// (accents, CJK, emoji, digits, contractions, runs of spaces and newlines, invalid UTF-8), with the
// vocabulary and merges loaded from vocab.json + merges.txt exactly as GPT-2 ships them.
#include <gtest/gtest.h>

#include "deepfin/text/byte_bpe.h"
#include "testing/fixtures.h"
#include "text/gpt2_pretokenize.h"
#include "unit/text/scratch_dir.h"

namespace deepfin {
namespace {

const nlohmann::json& fixture() {
  static const nlohmann::json j = testing::load_fixture("bpe_gpt2_small");
  return j;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

const text::ByteBpeTokenizer& tokenizer() {
  static const text::ByteBpeTokenizer bpe = [] {
    const text::testing::ScratchDir dir;
    return text::ByteBpeTokenizer::from_gpt2_files(
        dir.write("vocab.json", fixture().at("vocab").dump()),
        dir.write("merges.txt", fixture().at("merges_txt").get<std::string>()));
  }();
  return bpe;
}

TEST(BpeParity, PreTokenPiecesMatchTheReference) {
  ASSERT_GE(fixture().at("cases").size(), 30u);
  for (const auto& c : fixture().at("cases")) {
    std::vector<std::string> expected;
    for (const auto& piece : c.at("pieces")) expected.push_back(from_hex(piece.get<std::string>()));
    const std::string bytes = from_hex(c.at("hex").get<std::string>());  // the pieces view it
    std::vector<std::string> got;
    for (const auto piece : text::detail::gpt2_pretokenize(bytes)) got.emplace_back(piece);
    EXPECT_EQ(got, expected) << "text hex " << c.at("hex");
  }
}

TEST(BpeParity, IdsMatchGpt2sEncoder) {
  const auto& bpe = tokenizer();
  EXPECT_EQ(bpe.vocab_size(), static_cast<int64_t>(fixture().at("vocab").size()));
  EXPECT_EQ(bpe.eos_id(), fixture().at("eos_id").get<int64_t>());
  for (const auto& c : fixture().at("cases")) {
    const std::string bytes = from_hex(c.at("hex").get<std::string>());
    const auto expected = c.at("ids").get<std::vector<int64_t>>();
    EXPECT_EQ(bpe.encode(bytes), expected) << "text hex " << c.at("hex");
    EXPECT_EQ(bpe.decode(expected), bytes) << "text hex " << c.at("hex");
  }
}

TEST(BpeParity, TheJsonFormGivesTheSameIds) {
  const auto loaded = text::ByteBpeTokenizer::from_json(nlohmann::json::parse(tokenizer().to_json().dump()));
  EXPECT_EQ(loaded.fingerprint(), tokenizer().fingerprint());
  for (const auto& c : fixture().at("cases"))
    EXPECT_EQ(loaded.encode(from_hex(c.at("hex").get<std::string>())), c.at("ids").get<std::vector<int64_t>>());
}

}  // namespace
}  // namespace deepfin
