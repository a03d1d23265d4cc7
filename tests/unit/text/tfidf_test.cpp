// TF-IDF features: the definitions of tfidf.h on hand-checked cases, unknown and
// empty texts, and clear errors for bad options, bad text and a corrupt vocabulary.
#include "deepfin/text/tfidf.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

double value_of(const TfidfVectorizer& v, const SparseRows& x, int64_t row, const std::string& term) {
  for (int64_t k = x.offsets[row]; k < x.offsets[row + 1]; ++k)
    if (v.feature(x.indices[static_cast<size_t>(k)]) == term) return x.values[static_cast<size_t>(k)];
  return 0;
}

TEST(Tfidf, WordBlockFollowsTheDefinitions) {
  // Words only: "a" is too short for a word; "up up" is counted twice (sublinear).
  const TfidfVectorizer v = TfidfVectorizer::fit({"Profit up up", "profit down", "a"}, {.char_max_n = 0});
  EXPECT_EQ(v.num_features(), 6);  // down, profit, profit down, profit up, up, up up
  const SparseRows x = v.transform({"Profit up up"});
  const double idf_profit = std::log(4.0 / 3.0) + 1, idf_once = std::log(4.0 / 2.0) + 1;
  const double profit = idf_profit, up = (1 + std::log(2.0)) * idf_once;
  const double norm = std::sqrt(profit * profit + up * up + 2 * idf_once * idf_once);  // + "profit up", "up up"
  EXPECT_NEAR(value_of(v, x, 0, "profit"), profit / norm, 1e-15);
  EXPECT_NEAR(value_of(v, x, 0, "up"), up / norm, 1e-15);
  EXPECT_NEAR(value_of(v, x, 0, "up up"), idf_once / norm, 1e-15);
  EXPECT_EQ(value_of(v, x, 0, "down"), 0.0);
}

TEST(Tfidf, CharacterGramsStayInsideWordsAndAShortWordCountsOnce) {
  const TfidfVectorizer v = TfidfVectorizer::fit({"ab"}, {.word_max_n = 0, .char_min_n = 2, .char_max_n = 5});
  // " ab " gives " a", "ab", "b ", " ab", "ab ", " ab " (n = 4) and nothing for n = 5.
  std::vector<std::string> terms;
  for (int64_t j = 0; j < v.num_features(); ++j) terms.push_back(v.feature(j));
  EXPECT_EQ(terms, (std::vector<std::string>{" a", " ab", " ab ", "ab", "ab ", "b "}));
  // Code points, not bytes: "é" is one character.
  const TfidfVectorizer u = TfidfVectorizer::fit({"é"}, {.word_max_n = 0, .char_min_n = 2, .char_max_n = 2});
  EXPECT_EQ(u.num_features(), 2);  // " é", "é "
}

TEST(Tfidf, WordsAreLettersNumbersAndUnderscoresButNotCombiningMarks) {
  // As Python's \w: the Devanagari vowel signs and virama split "हिन्दी" into single letters.
  const TfidfVectorizer v = TfidfVectorizer::fit({"\u0939\u093f\u0928\u094d\u0926\u0940 net_q3"}, {.char_max_n = 0});
  ASSERT_EQ(v.num_features(), 1);
  EXPECT_EQ(v.feature(0), "net_q3");
}

TEST(Tfidf, UnknownTermsGiveAnEmptyRowAndMinDfDropsRareTerms) {
  const TfidfVectorizer v = TfidfVectorizer::fit({"loan approved", "loan denied"}, {.char_max_n = 0, .min_df = 2});
  EXPECT_EQ(v.num_features(), 1);  // only "loan"
  const SparseRows x = v.transform({"zzz qqq", "loan"});
  EXPECT_EQ(x.offsets, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_DOUBLE_EQ(x.values[0], 1.0);
}

TEST(Tfidf, SurvivesJsonRoundTrip) {
  const TfidfVectorizer v = TfidfVectorizer::fit({"Profit rose 12%", "loss widened", "Ströme"});
  const TfidfVectorizer back = TfidfVectorizer::from_json(v.to_json());
  const SparseRows a = v.transform({"profit widened", "Ströme rose"}),
                   b = back.transform({"profit widened", "Ströme rose"});
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.values, b.values);
}

TEST(Tfidf, BadInputIsAClearError) {
  EXPECT_THROW(TfidfVectorizer::fit({}), ValueError);
  EXPECT_THROW(TfidfVectorizer::fit({"x"}, {.word_max_n = 0, .char_max_n = 0}), ValueError);
  EXPECT_THROW(TfidfVectorizer::fit({"x"}, {.char_min_n = 3, .char_max_n = 2}), ValueError);
  EXPECT_THROW(TfidfVectorizer::fit({"x"}, {.min_df = 0}), ValueError);
  try {
    TfidfVectorizer::fit({"a", "b"}, {.char_max_n = 0});  // words need two characters
    FAIL() << "no features, no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("no term occurs"), std::string::npos) << e.what();
  }
  const TfidfVectorizer v = TfidfVectorizer::fit({"profit"});
  try {
    v.transform({"fine", "bad \xff byte"});
    FAIL() << "invalid UTF-8 was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("text 2"), std::string::npos) << e.what();
  }
  nlohmann::json broken = v.to_json();
  broken["idf"].push_back(1.0);
  EXPECT_THROW(TfidfVectorizer::from_json(broken), FileError);
  broken = v.to_json();
  broken.erase("words");
  EXPECT_THROW(TfidfVectorizer::from_json(broken), FileError);
  broken = v.to_json();
  broken["chars"].push_back(broken["chars"][0]);
  broken["idf"].push_back(1.0);
  EXPECT_THROW(TfidfVectorizer::from_json(broken), FileError);
}

}  // namespace
}  // namespace deepfin::text
