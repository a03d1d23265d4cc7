// The linear TF-IDF model (LIBLINEAR's linear SVM) and its blend with a neural
// model: learning a separable task, choosing C by cross-validation, the blend's
// fitted weight following whichever part is informative, and clear errors.
#include "deepfin/text_model/linear_text_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/text_model/linear_blend.h"

namespace deepfin::text_model {
namespace {

std::vector<std::string> kTexts() {
  std::vector<std::string> out;
  for (int i = 0; i < 12; ++i) {
    out.push_back("profit rose strongly in quarter " + std::to_string(i));
    out.push_back("loss widened sharply in quarter " + std::to_string(i));
    out.push_back("annual meeting is held in quarter " + std::to_string(i));
  }
  return out;
}

std::vector<int64_t> kLabels() {
  std::vector<int64_t> out;
  for (int i = 0; i < 12; ++i) out.insert(out.end(), {0, 1, 2});
  return out;
}

TEST(LinearTextModel, LearnsASeparableTaskWithCChosenByCrossValidation) {
  const auto vectorizer = text::TfidfVectorizer::fit(kTexts());
  const auto model = LinearTextModel::fit(vectorizer.transform(kTexts()), kLabels(), 3);
  const std::vector<double> grid = {0.125, 0.5, 2.0, 8.0};
  EXPECT_NE(std::find(grid.begin(), grid.end(), model.c()), grid.end()) << model.c();
  EXPECT_EQ(model.num_features(), vectorizer.num_features());
  const Tensor d = model.decision(vectorizer.transform({"profit rose", "loss widened", "the annual meeting"}));
  const auto v = d.to_vector<double>();
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t k = 0; k < 3; ++k)
      if (k != i) {
        EXPECT_GT(v[i * 3 + i], v[i * 3 + k]) << "text " << i;
      }
}

TEST(LinearTextModel, ChoosingBetweenTfidfAndNbScaledFeaturesRefitsTheChoiceExactly) {
  const auto vectorizer = text::TfidfVectorizer::fit(kTexts());
  const text::SparseRows x = vectorizer.transform(kTexts());
  const auto chosen = LinearTextModel::fit(x, kLabels(), 3, {.features = LinearFeatures::choose});
  const LinearFeatures kind = chosen.nb_scaled() ? LinearFeatures::nb_scaled : LinearFeatures::tfidf;
  const auto again = LinearTextModel::fit(x, kLabels(), 3, {.c = chosen.c(), .features = kind});
  EXPECT_EQ(again.nb_scaled(), chosen.nb_scaled());
  EXPECT_EQ(again.weights().to_vector<float>(), chosen.weights().to_vector<float>());
  EXPECT_EQ(again.bias().to_vector<float>(), chosen.bias().to_vector<float>());
  // The two kinds are different models on the same rows.
  const auto plain = LinearTextModel::fit(x, kLabels(), 3, {.c = 2.0});
  const auto nb = LinearTextModel::fit(x, kLabels(), 3, {.c = 2.0, .features = LinearFeatures::nb_scaled});
  EXPECT_FALSE(plain.nb_scaled());
  EXPECT_TRUE(nb.nb_scaled());
  EXPECT_NE(plain.weights().to_vector<float>(), nb.weights().to_vector<float>());
  const auto v = nb.decision(vectorizer.transform({"profit rose", "loss widened"})).to_vector<double>();
  EXPECT_GT(v[0], std::max(v[1], v[2]));
  EXPECT_GT(v[4], std::max(v[3], v[5]));
}

TEST(LinearTextModel, TwoClassesScoreOppositeSides) {
  const std::vector<std::string> texts = {"profit rose", "loss grew", "profit jumped", "loss widened"};
  const auto vectorizer = text::TfidfVectorizer::fit(texts);
  const auto model = LinearTextModel::fit(vectorizer.transform(texts), {0, 1, 0, 1}, 2, {.c = 1.0});
  const auto v = model.decision(vectorizer.transform({"profit"})).to_vector<double>();
  EXPECT_NEAR(v[0], -v[1], 1e-6);
  EXPECT_GT(v[0], 0);
}

TEST(LinearTextModel, BadInputIsAClearError) {
  const auto vectorizer = text::TfidfVectorizer::fit(kTexts());
  const text::SparseRows x = vectorizer.transform(kTexts());
  EXPECT_THROW(LinearTextModel::fit(x, kLabels(), 1), ValueError);
  EXPECT_THROW(LinearTextModel::fit(x, {0, 1}, 3), ValueError);
  std::vector<int64_t> bad = kLabels();
  bad[4] = 7;
  EXPECT_THROW(LinearTextModel::fit(x, bad, 3), ValueError);
  try {
    LinearTextModel::fit(x, kLabels(), 4);
    FAIL() << "a class without rows was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("class 3 has no training row"), std::string::npos) << e.what();
  }
  const auto model = LinearTextModel::fit(x, kLabels(), 3, {.c = 1.0});
  const auto other = text::TfidfVectorizer::fit({"something else entirely"});
  EXPECT_THROW(model.decision(other.transform({"x"})), ValueError);
  EXPECT_THROW(LinearTextModel(zeros({4, 3}), zeros({2}), 1.0), ValueError);
  EXPECT_THROW(LinearTextModel(full({4, 3}, std::nan("")), zeros({3}), 1.0), ValueError);
  // Malformed sparse rows are refused before anything reads past an array.
  text::SparseRows wild = vectorizer.transform({"profit rose"});
  wild.indices[0] = static_cast<int32_t>(wild.columns);
  EXPECT_THROW(model.decision(wild), ValueError);
  wild = vectorizer.transform({"profit rose"});
  wild.offsets.back() += 1;
  EXPECT_THROW(model.decision(wild), ValueError);
}

TEST(LinearBlend, TheWeightFollowsTheInformativePart) {
  const std::vector<int64_t> truth = {0, 1, 2, 0, 1, 2};
  Tensor uniform = full({6, 3}, 1.0 / 3.0, DType::float64);
  Tensor confident = zeros({6, 3}, DType::float64);
  for (int64_t i = 0; i < 6; ++i) confident.data<double>()[i * 3 + truth[static_cast<size_t>(i)]] = 1.0;
  Tensor right = confident * 3.0, flat = zeros({6, 3}, DType::float64);
  // A neural part that knows nothing and a linear part that is right: all weight to the linear.
  EXPECT_DOUBLE_EQ(fit_blend(uniform, right, truth).weight, 1.0);
  // A confident, correct neural part and a flat linear part: none.
  Tensor near_sure = confident * 0.9 + 0.1 / 3.0;
  EXPECT_DOUBLE_EQ(fit_blend(near_sure, flat, truth).weight, 0.0);
  // The blend is a mixture of probabilities: rows sum to 1 and weight 0 is the neural part.
  const LinearBlend half{.scale = 2.0, .weight = 0.5};
  const auto p = blend_probabilities(near_sure, right, half).to_vector<double>();
  for (int64_t i = 0; i < 6; ++i) EXPECT_NEAR(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2], 1.0, 1e-12);
  const double soft = std::exp(6.0) / (std::exp(6.0) + 2.0);
  EXPECT_NEAR(p[0], 0.5 * (0.9 + 0.1 / 3.0) + 0.5 * soft, 1e-12);
  EXPECT_EQ(blend_probabilities(near_sure, right, {.scale = 1.0, .weight = 0.0}).to_vector<double>(),
            near_sure.to_vector<double>());
}

TEST(LinearBlend, BadInputIsAClearError) {
  const Tensor a = zeros({2, 3}, DType::float64);
  EXPECT_THROW(fit_blend(a, zeros({2, 2}, DType::float64), {0, 1}), ValueError);
  EXPECT_THROW(fit_blend(a, a, {0}), ValueError);
  EXPECT_THROW(fit_blend(a, a, {0, 3}), ValueError);
  EXPECT_THROW(blend_probabilities(a, a, {.scale = 0.0, .weight = 0.5}), ValueError);
  EXPECT_THROW(blend_probabilities(a, a, {.scale = 1.0, .weight = 1.5}), ValueError);
  EXPECT_THROW(blend_probabilities(a, a, {.scale = INFINITY, .weight = 0.5}), ValueError);
}

}  // namespace
}  // namespace deepfin::text_model
