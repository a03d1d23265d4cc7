// TextClassifier: raw strings in, label probabilities out; an ensemble averages
// its members, and one file carries every member through save and load.
#include "deepfin/text_model/text_classifier.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layers.h"
#include "unit/text/scratch_dir.h"

namespace deepfin::text {
namespace {

using text_model::Prediction;
using text_model::TextClassifier;

const std::vector<std::string> kTexts = {"my card was stolen", "what is my balance", "send money to a payee",
                                         "lost card",          "balance please",     "wire transfer now"};

std::shared_ptr<models::Sequential> member(int64_t vocab, int64_t classes, const std::string& activation = "softmax") {
  auto m = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Embedding(vocab, 8, {.mask_zero = true}), layers::GlobalAveragePooling1D(),
      layers::Dense(classes, {.activation = activation})});
  m->build(Shape{6});
  return m;
}

TEST(TextClassifier, AnEnsembleAveragesItsMembersAndSurvivesSaveAndLoad) {
  set_random_seed(3);
  Tokenizer tokenizer = Tokenizer::train(kTexts, {.vocab_size = 60, .min_frequency = 1});
  const LabelEncoder labels = LabelEncoder::fit({"balance", "lost_card", "transfer"});
  const int64_t vocab = tokenizer.vocab_size();
  std::vector<std::shared_ptr<models::Sequential>> members = {member(vocab, 3), member(vocab, 3), member(vocab, 3)};
  TextClassifier ensemble(tokenizer, labels, 6, members);
  ASSERT_EQ(ensemble.members().size(), 3u);

  const Tensor ids = ensemble.encode(kTexts);
  const Tensor p = ensemble.predict_proba(kTexts).to(DType::float64);
  std::vector<Tensor> each;
  for (const auto& m : members) each.push_back(m->predict(ids).to(DType::float64));
  for (int64_t i = 0; i < p.size(0); ++i)
    for (int64_t j = 0; j < 3; ++j) {
      const double mean = (each[0].at({i, j}) + each[1].at({i, j}) + each[2].at({i, j})) / 3.0;
      EXPECT_NEAR(p.at({i, j}), mean, 1e-6) << "text " << i << " class " << j;
      EXPECT_GT(std::abs(each[0].at({i, j}) - mean), 0.0) << "members start from different weights";
    }

  testing::ScratchDir dir;
  ensemble.save(dir.sub("ensemble.safetensors"));
  const TextClassifier loaded = TextClassifier::load(dir.sub("ensemble.safetensors"));
  ASSERT_EQ(loaded.members().size(), 3u);
  const Tensor q = loaded.predict_proba(kTexts).to(DType::float64);
  for (int64_t i = 0; i < p.size(0); ++i)
    for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(q.at({i, j}), p.at({i, j})) << "text " << i << " class " << j;

  // Saving a single model after the ensemble leaves no stale members in its file.
  TextClassifier single(tokenizer, labels, 6, members.front());
  single.save(dir.sub("single.safetensors"));
  EXPECT_EQ(TextClassifier::load(dir.sub("single.safetensors")).members().size(), 1u);
}

TEST(TextClassifier, PredictCountsTheTextsCutToMaxLengthAsEncodeDoes) {
  set_random_seed(4);
  Tokenizer tokenizer = Tokenizer::train(kTexts, {.vocab_size = 60, .min_frequency = 1});
  const LabelEncoder labels = LabelEncoder::fit({"balance", "lost_card", "transfer"});
  const TextClassifier classifier(tokenizer, labels, 6, member(tokenizer.vocab_size(), 3));
  const std::vector<std::string> texts = {"lost card", "my card was stolen and my balance is wrong and so on",
                                          "send money to a payee now please today"};
  int64_t by_encode = -1, by_predict = -1;
  classifier.encode(texts, &by_encode);
  const auto predictions = classifier.predict(texts, &by_predict);
  EXPECT_EQ(by_encode, 2);
  EXPECT_EQ(by_predict, by_encode);
  EXPECT_EQ(predictions.size(), 3u);
  classifier.predict({}, &by_predict);
  EXPECT_EQ(by_predict, 0);
}

TEST(TextClassifier, EveryMemberMustEndInASoftmaxOverTheLabels) {
  Tokenizer tokenizer = Tokenizer::train(kTexts, {.vocab_size = 60, .min_frequency = 1});
  const LabelEncoder labels = LabelEncoder::fit({"balance", "lost_card", "transfer"});
  const int64_t vocab = tokenizer.vocab_size();
  using Members = std::vector<std::shared_ptr<models::Sequential>>;
  EXPECT_THROW(TextClassifier(tokenizer, labels, 6, Members{member(vocab, 3), member(vocab, 3, "sigmoid")}),
               ConfigError);
  EXPECT_THROW(TextClassifier(tokenizer, labels, 6, Members{member(vocab, 3), member(vocab, 4)}), ConfigError);
  EXPECT_THROW(TextClassifier(tokenizer, labels, 6, Members{}), ValueError);
  TextClassifier grown(tokenizer, labels, 6, member(vocab, 3));
  EXPECT_THROW(grown.add_member(member(vocab, 4)), ConfigError);
  grown.add_member(member(vocab, 3));
  EXPECT_EQ(grown.members().size(), 2u) << "a refused member is not added";
}

}  // namespace
}  // namespace deepfin::text

namespace deepfin::text {
namespace {

TEST(TextClassifier, ALinearPartMustMatchTheLabelsAndItsVocabulary) {
  set_random_seed(4);
  Tokenizer tokenizer = Tokenizer::train(kTexts, {.vocab_size = 60, .min_frequency = 1});
  const LabelEncoder labels = LabelEncoder::fit({"balance", "lost_card", "transfer"});
  text_model::TextClassifier classifier(tokenizer, labels, 6, member(tokenizer.vocab_size(), 3));
  const TfidfVectorizer vectorizer = TfidfVectorizer::fit(kTexts);
  const int64_t f = vectorizer.num_features();
  EXPECT_THROW(classifier.set_linear({vectorizer, text_model::LinearTextModel(zeros({f, 2}), zeros({2}), 1), {}}),
               ValueError);
  EXPECT_THROW(classifier.set_linear({vectorizer, text_model::LinearTextModel(zeros({f + 1, 3}), zeros({3}), 1), {}}),
               ValueError);
  EXPECT_THROW(classifier.set_linear(
                   {vectorizer, text_model::LinearTextModel(zeros({f, 3}), zeros({3}), 1), {.scale = 1, .weight = 2}}),
               ValueError);
  // Weight 1 gives the linear model's softmax alone; all-zero weights make it uniform.
  classifier.set_linear(
      {vectorizer, text_model::LinearTextModel(zeros({f, 3}), zeros({3}), 1), {.scale = 1, .weight = 1}});
  for (double p : classifier.predict_proba({"lost card"}).to_vector<float>()) EXPECT_NEAR(p, 1.0 / 3.0, 1e-6);
}

}  // namespace
}  // namespace deepfin::text
