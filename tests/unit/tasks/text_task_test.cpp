// The text task from C++ with no job file and no CLI: labelled texts in a CSV,
// the vocabulary and class count filled into the model, a stratified split, an
// ensemble, cross-validation, and a saved classifier that reloads and predicts the same.
#include "deepfin/tasks/text_task.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/privacy_audit.h"
#include "task_test_files.h"
#include "testing/error_message.h"

namespace deepfin::tasks {
namespace {

using deepfin::testing::error_message;

class TextTaskApi : public testing::TaskFiles {
 protected:
  std::string messages() const {
    const char* up[] = {"profit rose strongly", "sales grew this quarter", "shares jumped on earnings",
                        "revenue rose again", "margins grew and profit jumped"};
    const char* down[] = {"profit fell sharply", "sales dropped this quarter", "shares slumped on losses",
                          "revenue fell again", "margins dropped and losses grew worse"};
    std::string csv = "text,label\n";
    for (int i = 0; i < 40; ++i) {
      csv += std::string(up[i % 5]) + " " + std::to_string(i) + ",up\n";
      csv += std::string(down[i % 5]) + " " + std::to_string(i) + ",down\n";
    }
    return csv;
  }
  JobSpec job() const {
    JobSpec job;
    job.file = "text_in_code";
    job.data.source = "text";
    job.text.train = write("messages.csv", messages());
    job.text.vocab_size = 64;
    job.text.min_frequency = 1;
    job.text.max_length = 8;
    job.text.test_split = 0.25;
    job.model = {{"class_name", "Sequential"},
                 {"config",
                  {{"layers",
                    {{{"class_name", "Embedding"}, {"config", {{"input_dim", 0}, {"output_dim", 8}}}},
                     {{"class_name", "GlobalAveragePooling1D"}, {"config", nlohmann::json::object()}},
                     {{"class_name", "Dense"}, {"config", {{"units", 0}, {"activation", "softmax"}}}}}}}}};
    job.compile = {{"optimizer", {{"class_name", "Adam"}, {"config", {{"learning_rate", 0.05}}}}},
                   {"loss", "sparse_categorical_crossentropy"}};
    job.fit.epochs = 15;
    job.fit.batch_size = 16;
    job.fit.verbose = 0;
    return job;
  }
};

TEST_F(TextTaskApi, FitsAnEnsembleEvaluatesAndReloads) {
  JobSpec spec = job();
  spec.text.ensemble = 2;
  spec.fit.balanced_class_weight = true;
  spec.fit.validation_split = 0.2;
  const TextTask task(spec);
  set_random_seed(7);
  const TextSplit data = task.split(7);
  EXPECT_EQ(data.train.size(), 60u);
  EXPECT_EQ(data.test.size(), 20u);
  const TextFit fitted = task.fit(data.train);
  EXPECT_EQ(fitted.classifier.members().size(), 2u);
  EXPECT_EQ(fitted.classifier.labels().num_classes(), 2);
  EXPECT_FALSE(fitted.history.history.at("val_loss").empty());  // the stratified validation part was used
  const metrics::ClassReport report = task.evaluate(fitted.classifier, data.test);
  EXPECT_GE(report.accuracy, 0.9);

  fitted.classifier.save(path("text.safetensors"));
  const text_model::TextClassifier reloaded = text_model::TextClassifier::load(path("text.safetensors"));
  EXPECT_EQ(reloaded.predict_proba(data.test.texts).to_vector<float>(),
            fitted.classifier.predict_proba(data.test.texts).to_vector<float>());
  task.write_report(dir_.string(), data, report);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report.md"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "confusion.png"));
}

TEST_F(TextTaskApi, StacksALinearTfidfModelThatTravelsInTheFile) {
  JobSpec spec = job();
  spec.text.linear = "stack";
  const TextTask task(spec);
  set_random_seed(5);
  const TextSplit data = task.split(5);
  const TextFit fitted = task.fit(data.train);
  ASSERT_TRUE(fitted.classifier.linear().has_value());
  EXPECT_EQ(fitted.validation.rows, 6);  // 10% of each class of 60 texts, held out for the blend
  EXPECT_GE(fitted.validation.linear_accuracy, 0.8);
  EXPECT_GE(fitted.validation.train_accuracy, fitted.validation.accuracy - 1e-12);
  EXPECT_GE(task.evaluate(fitted.classifier, data.test).accuracy, 0.9);

  fitted.classifier.save(path("stacked.safetensors"));
  const auto reloaded = text_model::TextClassifier::load(path("stacked.safetensors"));
  ASSERT_TRUE(reloaded.linear().has_value());
  EXPECT_EQ(reloaded.linear()->blend.weight, fitted.classifier.linear()->blend.weight);
  EXPECT_FALSE(reloaded.linear()->model.nb_scaled());
  EXPECT_EQ(reloaded.predict_proba(data.test.texts).to_vector<float>(),
            fitted.classifier.predict_proba(data.test.texts).to_vector<float>());

  // A file whose vocabulary is damaged (written with a valid checksum) is refused, naming the file.
  {
    auto model = models::load_model(path("stacked.safetensors"));
    nlohmann::json text = model->attachment("text");
    text["linear"]["vectorizer"].erase("idf");
    model->set_attachment("text", text);
    model->save(path("damaged.safetensors"));
  }
  try {
    text_model::TextClassifier::load(path("damaged.safetensors"));
    FAIL() << "a damaged vocabulary was loaded";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged.safetensors: the linear text model: TF-IDF: malformed vocabulary"),
              std::string::npos)
        << e.what();
  }

  // Cross-validation reports each part alone beside the stack.
  const TextCvResult cv = task.cross_validate(3, 2);
  EXPECT_EQ(cv.neural_accuracy.size(), 3u);
  EXPECT_EQ(cv.linear_accuracy.size(), 3u);
  EXPECT_GT(cv.linear_summary.mean, 0.8);
}

TEST_F(TextTaskApi, HeldOutTextsStopTrainingEarlyUnlessTheJobSaysOtherwise) {
  JobSpec spec = job();
  spec.fit.epochs = 80;
  spec.fit.validation_split = 0.2;
  set_random_seed(3);
  const TextTask task(spec);
  const auto texts = task.read(spec.text.train);
  const size_t stopped = TextTask(spec).fit(texts).history.history.at("val_loss").size();
  EXPECT_LT(stopped, 80u);
  spec.fit.early_stopping_off = true;
  set_random_seed(3);
  EXPECT_EQ(TextTask(spec).fit(texts).history.history.at("val_loss").size(), 80u);
}

TEST_F(TextTaskApi, AStackWithoutValidationTextsIsRefused) {
  JobSpec spec = job();
  spec.text.linear = "stack";
  spec.fit.validation = FitSpec::Validation::none;
  try {
    const TextTask task(spec);
    FAIL() << "a stack without held-out texts was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("validation is \"none\""), std::string::npos) << e.what();
  }
}

TEST_F(TextTaskApi, CrossFittedMembersStackOnEveryTrainingText) {
  JobSpec spec = job();
  spec.text.ensemble = 3;
  spec.text.cross_fit = true;
  spec.text.linear = "stack";
  spec.text.linear_features = "nb";
  const TextTask task(spec);
  set_random_seed(5);
  const TextSplit data = task.split(5);
  const TextFit fitted = task.fit(data.train);
  EXPECT_EQ(fitted.classifier.members().size(), 3u);
  EXPECT_TRUE(fitted.classifier.linear()->model.nb_scaled());
  ASSERT_TRUE(fitted.classifier.linear().has_value());
  EXPECT_EQ(fitted.validation.rows, 60);  // every training text, not a held-out tenth
  EXPECT_FALSE(fitted.history.history.at("val_loss").empty());
  EXPECT_GE(task.evaluate(fitted.classifier, data.test).accuracy, 0.9);
  fitted.classifier.save(path("cross.safetensors"));
  const auto reloaded = text_model::TextClassifier::load(path("cross.safetensors"));
  EXPECT_EQ(reloaded.members().size(), 3u);
  EXPECT_TRUE(reloaded.linear()->model.nb_scaled());  // the file says how its weights were fitted
  EXPECT_EQ(reloaded.predict_proba(data.test.texts).to_vector<float>(),
            fitted.classifier.predict_proba(data.test.texts).to_vector<float>());
}

// Labels drawn at random for texts of made-up words: a member can only memorize the texts it
// trained on. Out of fold, each text is scored by the member that never saw it, so the accuracy
// there stays near chance while the training texts are fitted. A member that saw its own fold
// would score it as well as the rest.
TEST_F(TextTaskApi, EachTextIsScoredOutOfFoldByTheMemberThatNeverSawIt) {
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::string csv = "text,label\n";
  for (int i = 0; i < 90; ++i) {
    std::string word;
    for (int c = 0; c < 7; ++c) word += static_cast<char>('a' + next() % 26);
    csv += word + "," + (next() % 2 ? "yes" : "no") + "\n";
  }
  JobSpec spec = job();
  spec.text.train = write("noise.csv", csv);
  spec.text.vocab_size = 4096;
  spec.text.ensemble = 3;
  spec.text.cross_fit = true;
  spec.fit.epochs = 150;
  spec.fit.early_stopping_off = true;
  const TextTask task(spec);
  set_random_seed(2);
  const TextFit fitted = task.fit(task.read(spec.text.train));
  EXPECT_EQ(fitted.validation.rows, 90);
  EXPECT_GT(fitted.validation.train_accuracy, 0.95);  // memorized by the two members that trained on each text
  EXPECT_LT(fitted.validation.accuracy, 0.75);        // out of fold: chance, give or take
}

TEST_F(TextTaskApi, CrossFittingRefusesAValidationShareAndTooFewTextsOfALabel) {
  JobSpec spec = job();
  spec.text.ensemble = 3;
  spec.text.cross_fit = true;
  spec.fit.validation_split = 0.2;
  const std::string shared = error_message<ConfigError>([&] { const TextTask task(spec); });
  EXPECT_NE(shared.find("validation_split do not apply"), std::string::npos) << shared;
  spec.fit.validation_split = 0;
  spec.text.train = write("rare.csv", messages() + "a rare complaint,sideways\nanother one,sideways\n");
  const TextTask task(spec);
  const std::string rare = error_message<ConfigError>([&] { task.fit(task.read(spec.text.train)); });
  EXPECT_NE(rare.find("needs at least 3 training texts of every label; 'sideways' has 2"), std::string::npos) << rare;
}

TEST_F(TextTaskApi, ALexiconAddsWordListFeaturesThatTravelWithTheModel) {
  JobSpec spec = job();
  spec.text.linear = "stack";
  spec.text.lexicon = write("lm.cat", "NEGATIVE\n\tFELL\n\tDROPPED\n\tLOSSES\nPOSITIVE\n\tROSE\n\tGREW\n");
  const TextTask task(spec);
  set_random_seed(5);
  const TextSplit data = task.split(5);
  const TextFit fitted = task.fit(data.train);
  const text::TfidfVectorizer& vectorizer = fitted.classifier.linear()->vectorizer;
  EXPECT_EQ(vectorizer.feature(vectorizer.num_features() - 1), "lexicon:POSITIVE");
  fitted.classifier.save(path("lexicon.safetensors"));
  const auto reloaded = text_model::TextClassifier::load(path("lexicon.safetensors"));
  EXPECT_EQ(reloaded.linear()->vectorizer.num_features(), vectorizer.num_features());
  EXPECT_EQ(reloaded.predict_proba(data.test.texts).to_vector<float>(),
            fitted.classifier.predict_proba(data.test.texts).to_vector<float>());

  spec.text.lexicon = path("missing.cat");
  const std::string missing = error_message<FileError>([&] { TextTask(spec).fit(data.train); });
  EXPECT_NE(missing.find("missing.cat: cannot read the lexicon"), std::string::npos) << missing;
}

TEST_F(TextTaskApi, CrossValidatesFoldByFold) {
  const TextTask task(job());
  const TextCvResult cv = task.cross_validate(4, 3);
  ASSERT_EQ(cv.accuracy.size(), 4u);
  EXPECT_EQ(cv.macro_f1.size(), 4u);
  EXPECT_GT(cv.accuracy_summary.mean, 0.8);
  EXPECT_EQ(cv.accuracy_summary.mean, mean_std(cv.accuracy).mean);
}

TEST_F(TextTaskApi, AnUnseenTestLabelIsNamedWithItsLine) {
  const TextTask task(job());
  set_random_seed(1);
  const TextFit fitted = task.fit(task.read(job().text.train));
  const text::LabelledText odd = task.read(write("odd.csv", "text,label\nprofit rose,up\nflat day,sideways\n"));
  try {
    task.evaluate(fitted.classifier, odd);
    FAIL() << "an unseen label was scored";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("odd.csv:3: label 'sideways' does not occur in the training data"),
              std::string::npos)
        << e.what();
  }
}

TEST(FitSetup, BalancedClassWeightsFollowScikitLearn) {
  const auto w = balanced_class_weights({0, 0, 0, 1, 2, 2});
  EXPECT_DOUBLE_EQ(w.at(0), 6.0 / (3 * 3));
  EXPECT_DOUBLE_EQ(w.at(1), 6.0 / (3 * 1));
  EXPECT_DOUBLE_EQ(w.at(2), 6.0 / (3 * 2));
  FitSpec spec;
  spec.balanced_class_weight = true;
  spec.early_stopping = train::EarlyStoppingOptions{};
  const models::FitOptions o = fit_options(spec, std::nullopt, {0, 1, 1, 1}, "", 0);
  EXPECT_DOUBLE_EQ(o.class_weight.at(0), 2.0);
  EXPECT_EQ(o.callbacks.size(), 1u);
  EXPECT_EQ(o.verbose, 0);
}

}  // namespace
}  // namespace deepfin::tasks

namespace deepfin::tasks {
namespace {

class TextAudit : public TextTaskApi {};

TEST_F(TextAudit, AttacksTheTextModelWithAndWithoutDp) {
  JobSpec spec = job();
  spec.text.ensemble = 3;  // the audit trains one model a side
  spec.fit.privacy = privacy::PrivacyOptions{.epsilon = 2.0, .secure_rng = false};
  set_random_seed(3);
  const PrivacyAudit audit = audit_privacy(spec, 3);
  for (const AuditedModel* m : {&audit.without_dp, &audit.with_dp}) {
    EXPECT_EQ(m->attack.members + m->attack.nonmembers, 80);
    EXPECT_GE(m->attack.auc, 0.0);
    EXPECT_LE(m->attack.auc, 1.0);
    EXPECT_TRUE(m->test_metrics.count("accuracy"));
  }
  EXPECT_GT(audit.without_dp.test_metrics.at("accuracy"), 0.8);  // the easy task is learned without DP
  EXPECT_FALSE(audit.without_dp.guarantee.has_value());
  ASSERT_TRUE(audit.with_dp.guarantee.has_value());
  EXPECT_LE(audit.with_dp.guarantee->epsilon, 2.0);
}

}  // namespace
}  // namespace deepfin::tasks
