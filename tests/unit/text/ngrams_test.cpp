// Hashed word n-grams: bucket values computed independently (FNV-1a in Python,
// see the comment below), placement after the tokens, truncation, options, and
// a TextClassifier that keeps its n-gram options through save and load.
#include "deepfin/text/ngrams.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layers.h"
#include "deepfin/text_model/text_classifier.h"
#include "scratch_dir.h"

namespace deepfin::text {
namespace {

using text_model::Prediction;
using text_model::TextClassifier;

// Expected buckets from a separate FNV-1a over each id's 8 little-endian bytes:
//   h = 0xcbf29ce484222325; for each byte: h ^= byte; h *= 0x100000001b3 (mod 2^64); bucket = h % 1000
//   (5, 7) -> 215, (7, 9) -> 811, (5, 7, 9) -> 502, (7, 5) -> 175.
TEST(Ngrams, BucketsAreFnv1aOfTheIdsAndDependOnOrder) {
  const int64_t ab[] = {5, 7}, bc[] = {7, 9}, abc[] = {5, 7, 9}, ba[] = {7, 5};
  EXPECT_EQ(ngram_bucket(ab, 2, 1000), 215);
  EXPECT_EQ(ngram_bucket(bc, 2, 1000), 811);
  EXPECT_EQ(ngram_bucket(abc, 3, 1000), 502);
  EXPECT_EQ(ngram_bucket(ba, 2, 1000), 175);
}

TEST(Ngrams, FollowTheTokensAndFillOnlyTheRoomLeft) {
  const std::vector<int64_t> tokens = {2, 5, 7, 9};  // [CLS] then three pieces
  const NgramOptions bigrams{.order = 2, .buckets = 1000};
  bool cut = true;
  EXPECT_EQ(with_ngrams(tokens, bigrams, 100, 10, /*skip_first=*/true, &cut),
            (std::vector<int64_t>{2, 5, 7, 9, 100 + 215, 100 + 811}));
  EXPECT_FALSE(cut);
  // [CLS] joins no n-gram, so (2, 5) is not hashed; with skip_first = false it is.
  EXPECT_EQ(with_ngrams(tokens, bigrams, 100, 10, false).size(), 7u);
  // Room for one n-gram only.
  EXPECT_EQ(with_ngrams(tokens, bigrams, 100, 5, true, &cut), (std::vector<int64_t>{2, 5, 7, 9, 315}));
  EXPECT_FALSE(cut);
  // Tokens cut to max_length: n-grams of the kept tokens only, and none fit.
  EXPECT_EQ(with_ngrams(tokens, bigrams, 100, 3, true, &cut), (std::vector<int64_t>{2, 5, 7}));
  EXPECT_TRUE(cut);
  // Order 3: all bigrams, then the trigrams.
  EXPECT_EQ(with_ngrams(tokens, {.order = 3, .buckets = 1000}, 100, 10, true),
            (std::vector<int64_t>{2, 5, 7, 9, 315, 911, 602}));
  // Order 1: the tokens alone.
  EXPECT_EQ(with_ngrams(tokens, {}, 100, 10, true), tokens);
}

TEST(Ngrams, BadOptionsAreRefusedByName) {
  EXPECT_THROW(check_ngram_options({.order = 4, .buckets = 10}), ValueError);
  EXPECT_THROW(check_ngram_options({.order = 0}), ValueError);
  EXPECT_THROW(check_ngram_options({.order = 2, .buckets = 0}), ValueError);
  EXPECT_NO_THROW(check_ngram_options({.order = 1, .buckets = 0}));
  EXPECT_THROW(ngram_options_from_json({{"order", 2}}), FileError);
  EXPECT_THROW(ngram_options_from_json({{"order", 5}, {"buckets", 3}}), FileError);
  EXPECT_EQ(ngram_options_from_json(nlohmann::json()).order, 1) << "files from before n-grams";
}

TEST(Ngrams, ATextClassifierEncodesThemAndKeepsThemThroughSaveAndLoad) {
  set_random_seed(5);
  const std::vector<std::string> texts = {"net sales rose", "operating loss widened", "sales rose again"};
  Tokenizer tokenizer = Tokenizer::train(texts, {.vocab_size = 60, .min_frequency = 1});
  const int64_t buckets = 50, vocab = tokenizer.vocab_size();
  auto model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Embedding(vocab + buckets, 4, {.mask_zero = true}), layers::GlobalAveragePooling1D(),
      layers::Dense(2, {.activation = "softmax"})});
  model->build(Shape{24});
  TextClassifier classifier(tokenizer, LabelEncoder::fit({"negative", "positive"}), 24, model);
  classifier.set_ngrams({.order = 2, .buckets = buckets});
  EXPECT_EQ(classifier.input_vocabulary(), vocab + buckets);
  const Tensor ids = classifier.encode(texts);
  // Row 0: [CLS] + the pieces of "net sales rose", then their bigrams in [vocab, vocab + buckets).
  const std::vector<int64_t> tokens = tokenizer.encode(texts[0]);
  const auto n_tokens = static_cast<int64_t>(tokens.size());
  ASSERT_LT(2 * n_tokens - 2, 24) << "tokens and bigrams fit with room to spare";
  for (int64_t t = 0; t < n_tokens; ++t) EXPECT_EQ(ids.at({0, t}), tokens[static_cast<size_t>(t)]);
  for (int64_t t = n_tokens; t < 2 * n_tokens - 2; ++t) {
    EXPECT_GE(ids.at({0, t}), vocab) << "position " << t;
    EXPECT_LT(ids.at({0, t}), vocab + buckets) << "position " << t;
  }
  EXPECT_EQ(ids.at({0, 2 * n_tokens - 2}), 0) << "padding after the n-grams";

  testing::ScratchDir dir;
  classifier.save(dir.sub("ngrams.safetensors"));
  const TextClassifier loaded = TextClassifier::load(dir.sub("ngrams.safetensors"));
  EXPECT_EQ(loaded.ngrams().order, 2);
  EXPECT_EQ(loaded.ngrams().buckets, buckets);
  const Tensor again = loaded.encode(texts);
  for (int64_t i = 0; i < ids.size(0); ++i)
    for (int64_t t = 0; t < ids.size(1); ++t) EXPECT_EQ(again.at({i, t}), ids.at({i, t}));
}

}  // namespace
}  // namespace deepfin::text
