// Word lists by category (the Loughran–McDonald format) and the TF-IDF block they add:
// reading a ".cat" file as it is written, its mistakes named by line, and the block's values.
#include "deepfin/text/lexicon.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/text/tfidf.h"
#include "testing/error_message.h"
#include "unit/text/scratch_dir.h"

namespace deepfin::text {
namespace {

using deepfin::testing::error_message;

// CRLF line ends, weights, a blank line, a word in two lists and a last category without words,
// as in the shared Loughran_and_McDonald_2014.cat.
const char* kCat =
    "NEGATIVE\r\n\tLOSS (1)\r\n\tDECLINE (1)\r\n\r\nPOSITIVE\r\n\tPROFIT (1)\r\n\tGAIN\r\nUNCERTAINTY\r\n"
    "\tDECLINE (1)\r\nMODAL WORDS WEAK\r\n";

TEST(Lexicon, ReadsACatFileAsWordStatWritesIt) {
  testing::ScratchDir dir;
  const Lexicon lexicon = Lexicon::read_cat(dir.write("lm.cat", kCat), {});
  ASSERT_EQ(lexicon.num_categories(), 4);
  EXPECT_EQ(lexicon.category(0), "NEGATIVE");
  EXPECT_EQ(lexicon.category(3), "MODAL WORDS WEAK");
  EXPECT_EQ(lexicon.num_words(), 4);
  EXPECT_EQ(lexicon.categories_of("loss"), std::vector<int32_t>{0});  // case-folded as the texts are
  EXPECT_EQ(lexicon.categories_of("decline"), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(lexicon.categories_of("gain"), std::vector<int32_t>{1});
  EXPECT_TRUE(lexicon.categories_of("LOSS").empty());
  EXPECT_TRUE(lexicon.categories_of("revenue").empty());

  const Lexicon again = Lexicon::from_json(lexicon.to_json());
  EXPECT_EQ(again.to_json(), lexicon.to_json());
  EXPECT_EQ(again.categories_of("decline"), (std::vector<int32_t>{0, 2}));
}

TEST(Lexicon, MistakesAreNamedWithTheirLine) {
  testing::ScratchDir dir;
  EXPECT_EQ(error_message<FileError>([&] { Lexicon::read_cat(dir.write("a.cat", "\tLOSS (1)\nNEGATIVE\n"), {}); }),
            dir.sub("a.cat") +
                ":1: a word before any category (categories stand alone on a line, words are indented by a tab)");
  EXPECT_EQ(error_message<FileError>([&] { Lexicon::read_cat(dir.write("b.cat", "NEGATIVE\n\tBAD DEBT (1)\n"), {}); }),
            dir.sub("b.cat") + ":2: 'BAD DEBT' is not one word");
  EXPECT_EQ(error_message<FileError>([&] { Lexicon::read_cat(dir.write("c.cat", "\n\n"), {}); }),
            dir.sub("c.cat") + ": the lexicon has no category");
  EXPECT_EQ(error_message<FileError>([&] { Lexicon::read_cat(dir.sub("missing.cat"), {}); }),
            dir.sub("missing.cat") + ": cannot read the lexicon");
  nlohmann::json bad = Lexicon::read_cat(dir.write("d.cat", kCat), {}).to_json();
  bad["words"]["loss"] = std::vector<int32_t>{7};
  EXPECT_EQ(error_message<FileError>([&] { Lexicon::from_json(bad); }), "lexicon: word 'loss' has category 7 of 4");
}

TEST(Lexicon, AddsABlockOfLogCountsWithUnitNormToTheTfidfFeatures) {
  testing::ScratchDir dir;
  TfidfOptions options;
  options.lexicon = Lexicon::read_cat(dir.write("lm.cat", kCat), {});
  const std::vector<std::string> texts = {"Loss and loss, then a profit", "sales flat"};
  const TfidfVectorizer plain = TfidfVectorizer::fit(texts);
  const TfidfVectorizer with = TfidfVectorizer::fit(texts, options);
  ASSERT_EQ(with.num_features(), plain.num_features() + 4);
  EXPECT_EQ(with.feature(plain.num_features()), "lexicon:NEGATIVE");
  EXPECT_EQ(with.feature(plain.num_features() + 3), "lexicon:MODAL WORDS WEAK");

  const SparseRows x = with.transform(texts);
  const SparseRows y = plain.transform(texts);
  // Row 0: two NEGATIVE words and one POSITIVE: ln 3 and ln 2 over their norm; the other blocks unchanged.
  const double norm = std::sqrt(std::log(3.0) * std::log(3.0) + std::log(2.0) * std::log(2.0));
  const int64_t first = x.offsets[0], words_and_chars = y.offsets[1] - y.offsets[0];
  ASSERT_EQ(x.offsets[1] - first, words_and_chars + 2);
  for (int64_t k = 0; k < words_and_chars; ++k) EXPECT_EQ(x.values[first + k], y.values[y.offsets[0] + k]);
  EXPECT_EQ(x.indices[first + words_and_chars], plain.num_features());
  EXPECT_NEAR(x.values[first + words_and_chars], std::log(3.0) / norm, 1e-12);
  EXPECT_EQ(x.indices[first + words_and_chars + 1], plain.num_features() + 1);
  EXPECT_NEAR(x.values[first + words_and_chars + 1], std::log(2.0) / norm, 1e-12);
  // Row 1 has no lexicon word: no block entries at all.
  EXPECT_EQ(x.offsets[2] - x.offsets[1], y.offsets[2] - y.offsets[1]);

  // The lexicon travels with the vectorizer.
  const TfidfVectorizer reloaded = TfidfVectorizer::from_json(with.to_json());
  const SparseRows z = reloaded.transform(texts);
  EXPECT_EQ(z.indices, x.indices);
  EXPECT_EQ(z.values, x.values);
}

}  // namespace
}  // namespace deepfin::text
