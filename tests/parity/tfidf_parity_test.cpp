// TF-IDF features and the linear SVM against scikit-learn (generate_tfidf_fixtures.py):
// the same vocabulary, idf and feature values, and the same decision values of a
// LinearSVC trained on them, from LIBLINEAR's dual coordinate descent in both.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "deepfin/text/tfidf.h"
#include "deepfin/text_model/linear_text_model.h"
#include "testing/fixtures.h"

namespace deepfin {
namespace {

const nlohmann::json& fixture() {
  static const nlohmann::json j = testing::load_fixture("tfidf_linear");
  return j;
}

// The fixture's training texts, then its unseen ones: the rows its expected values are for.
std::vector<std::string> texts_then_unseen() {
  auto all = fixture().at("texts").get<std::vector<std::string>>();
  for (const auto& t : fixture().at("unseen")) all.push_back(t.get<std::string>());
  return all;
}

std::vector<double> dense_row(const text::SparseRows& x, int64_t i) {
  std::vector<double> out(static_cast<size_t>(x.columns), 0.0);
  for (int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k)
    out[static_cast<size_t>(x.indices[static_cast<size_t>(k)])] = x.values[static_cast<size_t>(k)];
  return out;
}

TEST(TfidfParity, VocabularyIdfAndValuesMatchScikitLearn) {
  const auto texts = fixture().at("texts").get<std::vector<std::string>>();
  const std::vector<std::string> all = texts_then_unseen();
  const auto vectorizer = text::TfidfVectorizer::fit(texts);
  const auto words = fixture().at("words").get<std::vector<std::string>>();
  const auto chars = fixture().at("chars").get<std::vector<std::string>>();
  ASSERT_EQ(vectorizer.num_features(), static_cast<int64_t>(words.size() + chars.size()));
  for (size_t j = 0; j < words.size(); ++j) EXPECT_EQ(vectorizer.feature(static_cast<int64_t>(j)), words[j]);
  for (size_t j = 0; j < chars.size(); ++j)
    EXPECT_EQ(vectorizer.feature(static_cast<int64_t>(words.size() + j)), chars[j]);
  const auto idf = fixture().at("idf").get<std::vector<double>>();
  for (size_t j = 0; j < idf.size(); ++j) EXPECT_NEAR(vectorizer.idf(static_cast<int64_t>(j)), idf[j], 1e-12);

  const text::SparseRows x = vectorizer.transform(all);
  const auto expected = fixture().at("features").get<std::vector<std::vector<double>>>();
  ASSERT_EQ(x.rows(), static_cast<int64_t>(expected.size()));
  for (int64_t i = 0; i < x.rows(); ++i) {
    const std::vector<double> row = dense_row(x, i);
    for (size_t j = 0; j < row.size(); ++j)
      EXPECT_NEAR(row[j], expected[i][j], 1e-12) << "text " << i << " feature " << j;
  }
}

TEST(TfidfParity, LinearSvmDecisionValuesMatchScikitLearn) {
  const auto texts = fixture().at("texts").get<std::vector<std::string>>();
  const std::vector<std::string> all = texts_then_unseen();
  const auto vectorizer = text::TfidfVectorizer::fit(texts);
  const auto labels = fixture().at("labels").get<std::vector<int64_t>>();
  const auto model = text_model::LinearTextModel::fit(vectorizer.transform(texts), labels, 3,
                                                      {.c = fixture().at("c").get<double>(), .tolerance = 1e-10});
  const Tensor decision = model.decision(vectorizer.transform(all));
  const auto expected = fixture().at("decision").get<std::vector<std::vector<double>>>();
  const std::vector<double> got = decision.to_vector<double>();
  for (size_t i = 0; i < expected.size(); ++i)
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(got[i * 3 + k], expected[i][k], 1e-5) << "text " << i << " class " << k;
}

// NB-SVM: each class's SVM on its naive-Bayes-scaled features. The scaling folded into
// deepfin's weights must give the decision values of scikit-learn's LinearSVC on the
// scaled rows.
TEST(TfidfParity, NbSvmDecisionValuesMatchScikitLearnOnScaledFeatures) {
  const auto texts = fixture().at("texts").get<std::vector<std::string>>();
  const std::vector<std::string> all = texts_then_unseen();
  const auto vectorizer = text::TfidfVectorizer::fit(texts);
  const auto labels = fixture().at("labels").get<std::vector<int64_t>>();
  const auto model = text_model::LinearTextModel::fit(
      vectorizer.transform(texts), labels, 3,
      {.c = fixture().at("c").get<double>(), .features = text_model::LinearFeatures::nb_scaled, .tolerance = 1e-10});
  EXPECT_TRUE(model.nb_scaled());
  const std::vector<double> got = model.decision(vectorizer.transform(all)).to_vector<double>();
  const auto expected = fixture().at("nb_decision").get<std::vector<std::vector<double>>>();
  ASSERT_EQ(got.size(), expected.size() * 3);
  const auto plain = fixture().at("decision").get<std::vector<std::vector<double>>>();
  double apart = 0;  // NB-SVM is not the plain SVM: the check could not pass by accident
  for (size_t i = 0; i < expected.size(); ++i)
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(got[i * 3 + k], expected[i][k], 1e-5) << "text " << i << " class " << k;
      apart = std::max(apart, std::abs(expected[i][k] - plain[i][k]));
    }
  EXPECT_GT(apart, 1e-2);
}

}  // namespace
}  // namespace deepfin
