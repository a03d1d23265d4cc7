// The WordPiece tokenizer: greedy longest match on hand-made vocabularies, a hand-traced training run,
// round trips, unknown words, special tokens, batches with truncation, determinism and speed.
#include "deepfin/text/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

std::vector<std::string> with_specials(std::vector<std::string> tokens) {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  vocab.insert(vocab.end(), tokens.begin(), tokens.end());
  return vocab;
}

std::vector<std::string> tokens_of(const Tokenizer& tokenizer, const std::string& text) {
  std::vector<std::string> out;
  for (const int64_t id : tokenizer.encode(text)) out.push_back(tokenizer.token(id));
  return out;
}

const std::vector<std::string> kNews = {
    "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period in 2007.",
    "Net sales decreased by 5.2 % to EUR 205.5 mn, and the operating loss widened.",
    "For the last quarter of 2010, Componenta's net sales doubled to EUR131m from EUR76m.",
    "The company's profit before taxes fell to EUR 4.0 mn, compared to a profit of EUR 9.8 mn.",
    "Why hasn't my card arrived yet? I ordered it two weeks ago!",
    "I was charged twice for the same transaction; please refund the extra fee.",
    "How do I top up my account using Apple Pay?",
    "The exchange rate applied to my transfer seems wrong.",
};

TEST(Tokenizer, GreedyLongestMatchOnAHandMadeVocabulary) {
  const Tokenizer t(with_specials({"un", "##aff", "##able", "##a", "##f", "##ff", "aff", "able", "##s"}), {});
  EXPECT_EQ(tokens_of(t, "unaffable"), (std::vector<std::string>{"[CLS]", "un", "##aff", "##able"}));
  // Longest first: "##aff" beats "##a" + "##ff"; a word start never matches "##" pieces.
  EXPECT_EQ(tokens_of(t, "Affable affs"), (std::vector<std::string>{"[CLS]", "aff", "##able", "aff", "##s"}));
  // Any unmatched part makes the whole word one [UNK]; the other words are kept.
  EXPECT_EQ(tokens_of(t, "able unaffx aff"), (std::vector<std::string>{"[CLS]", "able", "[UNK]", "aff"}));
}

TEST(Tokenizer, PunctuationAndDigitsAreTokensOfTheirOwn) {
  const Tokenizer t(
      with_specials({"eur", "m", "##m", "1", "##1", "3", "##3", ".", "##.", ",", "##,", "%", "##%", "up"}), {});
  EXPECT_EQ(tokens_of(t, "EUR131m"), (std::vector<std::string>{"[CLS]", "eur", "##1", "##3", "##1", "##m"}));
  EXPECT_EQ(tokens_of(t, "up 1.3% , up,"),
            (std::vector<std::string>{"[CLS]", "up", "1", "##.", "##3", "##%", ",", "up", "##,"}));
}

TEST(Tokenizer, HandTracedTraining) {
  // Words "ab" x3 and "abc" x1. Characters by frequency: a (4), b (4), c (1), each in both forms.
  // Pairs: (a, ##b) 4, (##b, ##c) 1 -> merge "ab"; then (ab, ##c) 1 < min_frequency 2: stop.
  const Tokenizer t = Tokenizer::train({"ab ab", "AB abc"}, {.vocab_size = 100, .min_frequency = 2});
  EXPECT_EQ(t.vocabulary(), with_specials({"a", "##a", "b", "##b", "c", "##c", "ab"}));
  EXPECT_EQ(tokens_of(t, "abc cab"), (std::vector<std::string>{"[CLS]", "ab", "##c", "c", "##a", "##b"}));
  // With min_frequency 1 the last pair is merged too.
  const Tokenizer all = Tokenizer::train({"ab ab", "AB abc"}, {.vocab_size = 100, .min_frequency = 1});
  EXPECT_EQ(all.vocabulary(), with_specials({"a", "##a", "b", "##b", "c", "##c", "ab", "abc"}));
  // vocab_size caps the merges: room for the alphabet only.
  const Tokenizer capped = Tokenizer::train({"ab ab", "AB abc"}, {.vocab_size = 11, .min_frequency = 1});
  EXPECT_EQ(capped.vocab_size(), 11);
}

TEST(Tokenizer, RoundTripReproducesTheNormalizedText) {
  const Tokenizer t = Tokenizer::train(kNews, {.vocab_size = 300, .min_frequency = 2});
  std::vector<std::string> probes = kNews;
  // Unseen texts made of seen characters: typos, new numbers, other spacing.
  probes.push_back("  Operatng  PROFIT fell 99.9%,to eur 3 mn!!  ");
  probes.push_back("i recieved my card , twice ; componenta's fee 2007.2010");
  for (const std::string& text : probes) {
    const std::vector<int64_t> ids = t.encode(text);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), t.unknown_id()), 0) << text;
    EXPECT_EQ(t.decode(ids), normalize(text)) << text;
  }
}

TEST(Tokenizer, EveryCharacterSeenInTrainingIsInTheVocabularyInBothForms) {
  const Tokenizer t = Tokenizer::train(kNews, {.vocab_size = 300, .min_frequency = 2});
  for (const char c : std::string("abcdefghijklmnopqrstuvwxyz0123456789.,;%'?!")) {
    const bool seen = std::any_of(kNews.begin(), kNews.end(),
                                  [&](const std::string& s) { return normalize(s).find(c) != std::string::npos; });
    if (!seen) continue;
    EXPECT_GE(t.id(std::string(1, c)), Tokenizer::kNumSpecialTokens) << c;
    EXPECT_GE(t.id("##" + std::string(1, c)), Tokenizer::kNumSpecialTokens) << c;
  }
  EXPECT_LE(t.vocab_size(), 300);
}

TEST(Tokenizer, UnknownCharactersAndOverlongWordsAreUnk) {
  const Tokenizer t = Tokenizer::train(kNews, {.vocab_size = 300, .min_frequency = 2});
  // "€" and "ж" never appear in training.
  const std::vector<int64_t> ids = t.encode("profit \xE2\x82\xAC 5 \xD0\xB6sales");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), t.unknown_id()), 2);
  EXPECT_EQ(t.decode(ids), "profit [UNK] 5 [UNK]");
  const std::vector<int64_t> long_word = t.encode(std::string(101, 'a'));
  EXPECT_EQ(long_word, (std::vector<int64_t>{t.cls_id(), t.unknown_id()}));
  EXPECT_GT(t.encode(std::string(100, 'a')).size(), 1u);
  const std::vector<int64_t> hundred = t.encode(std::string(100, 'a'));
  EXPECT_EQ(std::count(hundred.begin(), hundred.end(), t.unknown_id()), 0);
}

TEST(Tokenizer, SpecialTokensAndEmptyText) {
  const Tokenizer t = Tokenizer::train(kNews, {.vocab_size = 300, .min_frequency = 2});
  EXPECT_EQ(t.pad_id(), 0);
  EXPECT_EQ(t.token(t.unknown_id()), "[UNK]");
  EXPECT_EQ(t.token(t.cls_id()), "[CLS]");
  EXPECT_EQ(t.token(t.sep_id()), "[SEP]");
  EXPECT_EQ(t.token(t.mask_id()), "[MASK]");
  EXPECT_EQ(t.encode(""), std::vector<int64_t>{t.cls_id()});
  EXPECT_EQ(t.encode(" \t\n"), std::vector<int64_t>{t.cls_id()});
  EXPECT_EQ(t.decode({t.cls_id()}), "");
  // Text that looks like a special token is split like any other text.
  EXPECT_NE(t.encode("[CLS]")[1], t.cls_id());
  std::vector<int64_t> ids = t.encode("profit");
  ids.insert(ids.begin() + 1, t.mask_id());
  ids.insert(ids.end(), {t.sep_id(), t.pad_id(), t.pad_id()});
  EXPECT_EQ(t.decode(ids), "profit");
  EXPECT_THROW(t.decode({t.vocab_size()}), IndexError);
  EXPECT_THROW(t.decode({-1}), IndexError);
}

TEST(Tokenizer, EncodeBatchPadsTruncatesAndCounts) {
  const Tokenizer t = Tokenizer::train(kNews, {.vocab_size = 300, .min_frequency = 2});
  const std::vector<std::string> texts = {"profit rose", "", kNews[0], "net sales"};
  const int64_t max_length = 6;
  const Tokenizer::Encoded batch = t.encode_batch(texts, max_length);
  ASSERT_EQ(batch.ids.dtype(), DType::int64);
  ASSERT_EQ(batch.ids.shape(), (Shape{4, max_length}));
  int64_t expected_truncated = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::vector<int64_t> ids = t.encode(texts[i]);
    expected_truncated += static_cast<int64_t>(ids.size()) > max_length;
    for (int64_t j = 0; j < max_length; ++j) {
      const double want = j < static_cast<int64_t>(ids.size()) ? static_cast<double>(ids[static_cast<size_t>(j)]) : 0.0;
      EXPECT_EQ(batch.ids.at({static_cast<int64_t>(i), j}), want) << i << "," << j;
    }
  }
  EXPECT_EQ(expected_truncated, 1);  // only the long news sentence
  EXPECT_EQ(batch.truncated, 1);
  EXPECT_EQ(t.encode_batch({}, 4).ids.shape(), (Shape{0, 4}));
  try {
    t.encode_batch(texts, 0);
    ADD_FAILURE();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("max_length must be >= 1, got 0"), std::string::npos) << e.what();
  }
  try {
    t.encode_batch({"fine", "bad \xFF"}, 4);
    ADD_FAILURE();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("text 1: normalize: invalid UTF-8 at byte offset 4"), std::string::npos)
        << e.what();
  }
}

std::vector<std::string> synthetic_messages(int count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> words;
  for (int w = 0; w < 3000; ++w) {
    std::string word;
    const int length = 2 + static_cast<int>(rng() % 9);
    for (int i = 0; i < length; ++i) word.push_back(static_cast<char>('a' + rng() % 26));
    words.push_back(word);
  }
  std::vector<std::string> texts;
  for (int i = 0; i < count; ++i) {
    std::string text;
    const int n = 4 + static_cast<int>(rng() % 12);
    for (int j = 0; j < n; ++j) {
      // Zipf-like word choice, so some words are frequent as in real text.
      const auto index = static_cast<size_t>(std::pow(static_cast<double>(rng() % 1000000) / 1e6, 3) * 3000);
      text += words[index] + (rng() % 10 == 0 ? ", " : " ");
    }
    texts.push_back(text + std::to_string(rng() % 1000) + "?");
  }
  return texts;
}

TEST(Tokenizer, TrainingIsDeterministicAndIndependentOfTextOrder) {
  std::vector<std::string> texts = synthetic_messages(500, 7);
  const Tokenizer a = Tokenizer::train(texts, {.vocab_size = 1000});
  const Tokenizer b = Tokenizer::train(texts, {.vocab_size = 1000});
  std::reverse(texts.begin(), texts.end());
  const Tokenizer c = Tokenizer::train(texts, {.vocab_size = 1000});
  EXPECT_EQ(a.vocabulary(), b.vocabulary());
  EXPECT_EQ(a.vocabulary(), c.vocabulary());
  EXPECT_EQ(a.vocab_size(), 1000);
  const std::set<std::string> distinct(a.vocabulary().begin(), a.vocabulary().end());
  EXPECT_EQ(distinct.size(), a.vocabulary().size());
}

TEST(Tokenizer, TrainsTenThousandShortTextsWellUnderASecond) {
  const std::vector<std::string> texts = synthetic_messages(10000, 11);
  const auto start = std::chrono::steady_clock::now();
  const Tokenizer t = Tokenizer::train(texts, {.vocab_size = 8000});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("trained %lld tokens on 10k texts in %.3f s\n", static_cast<long long>(t.vocab_size()), seconds);
  EXPECT_LT(seconds, 1.0);
  EXPECT_GT(t.vocab_size(), 3000);
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(t.decode(t.encode(texts[i])), normalize(texts[i]));
}

TEST(Tokenizer, BadOptionsAndVocabularies) {
  EXPECT_THROW(Tokenizer::train(kNews, {.vocab_size = 5}), ValueError);
  EXPECT_THROW(Tokenizer::train(kNews, {.min_frequency = 0}), ValueError);
  EXPECT_THROW(Tokenizer(with_specials({"a", "b", "a"}), {}), ValueError);
  EXPECT_THROW(Tokenizer(with_specials({""}), {}), ValueError);
  EXPECT_THROW(Tokenizer({"[PAD]", "[CLS]"}, {}), ValueError);
  try {
    Tokenizer::train({"ok", "bad \xC3"}, {});
    ADD_FAILURE();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("text 1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::text
