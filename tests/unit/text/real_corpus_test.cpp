// The tokenizer on the real corpora (when ../shared/data has them): trained on Banking77's training
// messages it covers the test messages with almost no [UNK], decodes them back to their normalized text,
// and fits them in a short max_length; on the Latin-1 PhraseBank it keeps numbers spelled digit by digit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "deepfin/text/readers.h"
#include "deepfin/text/tokenizer.h"
#include "testing/paths.h"

namespace deepfin::text {
namespace {

const std::string kCorpora = deepfin::testing::shared_data_dir();

TEST(RealCorpus, Banking77TrainCoversTest) {
  const std::string train_path = kCorpora + "/banking77/train.csv";
  if (!std::filesystem::exists(train_path)) GTEST_SKIP() << "no " << train_path;
  const LabelledText train = read_text_csv(train_path, "text", "category");
  const LabelledText test = read_text_csv(kCorpora + "/banking77/test.csv", "text", "category");
  const auto start = std::chrono::steady_clock::now();
  const Tokenizer tokenizer = Tokenizer::train(train.texts, {.vocab_size = 8000, .min_frequency = 2});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t tokens = 0, unknown = 0, exact = 0;
  for (const std::string& text : test.texts) {
    const std::vector<int64_t> ids = tokenizer.encode(text);
    tokens += static_cast<int64_t>(ids.size()) - 1;
    const auto unk = std::count(ids.begin(), ids.end(), tokenizer.unknown_id());
    unknown += unk;
    // A message with an [UNK] cannot decode back; every other one must.
    exact += unk > 0 || tokenizer.decode(ids) == normalize(text);
  }
  std::printf("banking77: %lld tokens learned in %.3f s; test: %.2f pieces/message, %lld [UNK] of %lld\n",
              static_cast<long long>(tokenizer.vocab_size()), seconds,
              static_cast<double>(tokens) / static_cast<double>(test.size()), static_cast<long long>(unknown),
              static_cast<long long>(tokens));
  EXPECT_LT(seconds, 1.0);
  EXPECT_LT(static_cast<double>(unknown), 0.001 * static_cast<double>(tokens));
  EXPECT_EQ(exact, test.size());
  EXPECT_LT(tokenizer.encode_batch(test.texts, 64).truncated, test.size() / 100);
}

TEST(RealCorpus, PhrasebankNumbersAreSpelledWithDigits) {
  const std::string path = kCorpora + "/financial_phrasebank/Sentences_50Agree.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  const LabelledText data = read_phrasebank(path);
  const Tokenizer tokenizer = Tokenizer::train(data.texts, {.vocab_size = 8000, .min_frequency = 2});
  std::vector<std::string> tokens;
  for (const int64_t id : tokenizer.encode("Componenta's net sales doubled to EUR131m from EUR76m .")) {
    tokens.push_back(tokenizer.token(id));
  }
  const std::vector<std::string> eur131m = {"eur", "##1", "##3", "##1", "##m"};
  EXPECT_NE(std::search(tokens.begin(), tokens.end(), eur131m.begin(), eur131m.end()), tokens.end());
  for (const std::string& token : tokenizer.vocabulary()) {
    // No learned token mixes a digit with anything else.
    const bool has_digit = std::any_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (has_digit) {
      EXPECT_TRUE(token.size() == 1 || (token.size() == 3 && token.starts_with("##"))) << token;
    }
  }
}

}  // namespace
}  // namespace deepfin::text
