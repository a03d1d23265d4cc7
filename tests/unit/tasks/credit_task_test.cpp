// The credit task from C++ with no job file and no CLI: a JobSpec built in code,
// fit on a learnable synthetic table, held-out metrics, cross-validation, the
// report, and a saved model that reloads and scores the same.
#include "deepfin/tasks/credit_task.h"

#include <gtest/gtest.h>

#include <random>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/nn/layers/periodic_embedding.h"
#include "task_test_files.h"

namespace deepfin::tasks {
namespace {

class CreditTaskApi : public testing::TaskFiles {
 protected:
  // Income drives the risk; housing adds a little; 1 row in 4 is missing its housing.
  std::string applicants(int rows) const {
    std::mt19937 gen(5);
    std::normal_distribution<double> noise(0.0, 0.6);
    std::string csv = "income,housing,class\n";
    for (int i = 0; i < rows; ++i) {
      const double income = 20 + (i * 37) % 80;
      const bool rent = i % 3 == 0;
      const double risk = (60 - income) / 15.0 + (rent ? 0.5 : 0.0) + noise(gen);
      csv += std::to_string(income) + "," +
             (i % 4 == 1 ? ""
              : rent     ? "rent"
                         : "own") +
             "," + (risk > 0 ? "bad" : "good") + "\n";
    }
    return csv;
  }
  JobSpec job() const {
    JobSpec job;
    job.file = "credit_in_code";
    job.data.source = "csv";
    job.data.path = write("applicants.csv", applicants(300));
    job.data.target = "class";
    job.data.positive_label = "bad";
    job.model = {{"class_name", "Sequential"},
                 {"config",
                  {{"layers",
                    {{{"class_name", "Dense"}, {"config", {{"units", 8}, {"activation", "relu"}}}},
                     {{"class_name", "Dense"}, {"config", {{"units", 1}, {"activation", "sigmoid"}}}}}}}}};
    job.compile = {{"optimizer", {{"class_name", "Adam"}, {"config", {{"learning_rate", 0.05}}}}},
                   {"loss", "binary_crossentropy"}};
    job.fit.epochs = 20;
    job.fit.validation_split = 0.25;
    job.fit.verbose = 0;
    return job;
  }
};

TEST_F(CreditTaskApi, FitsScoresAndReloadsWithoutAJobFile) {
  const CreditTask task(job());
  set_random_seed(3);
  const CreditSplit data = task.split(3);
  EXPECT_EQ(data.train.num_rows() + data.test.num_rows(), 300);
  const CreditFit fitted = task.fit(data.train, 3);
  const auto metrics = task.evaluate(fitted.model, data.test);
  EXPECT_GT(metrics.at("auc"), 0.85);
  EXPECT_GT(fitted.model.threshold(), 0.0);
  EXPECT_LT(fitted.model.threshold(), 1.0);
  EXPECT_EQ(fitted.history.epoch.size(), 20u);

  fitted.model.save(path("credit.safetensors"));
  const tabular::TabularModel reloaded = tabular::TabularModel::load(path("credit.safetensors"));
  EXPECT_EQ(reloaded.predict_proba(data.test), fitted.model.predict_proba(data.test));
  EXPECT_EQ(reloaded.threshold(), fitted.model.threshold());
  const std::string csv = scores_csv(reloaded, data.test, reloaded.predict_proba(data.test));
  EXPECT_EQ(csv.rfind("row,line,probability,decision,points\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), data.test.num_rows() + 1);
}

TEST_F(CreditTaskApi, TheSameSeedFitsTheSameModel) {
  const CreditTask task(job());
  const CreditSplit data = task.split(3);
  std::vector<double> first, second;
  for (auto* out : {&first, &second}) {
    set_random_seed(11);
    nn::clear_session();
    *out = task.fit(data.train, 11).model.predict_proba(data.test);
  }
  EXPECT_EQ(first, second);
}

// Rows handed over in memory (a DataFrame from Python) run the same recipe as the
// job's file: the same split, the same model, the same cross-validation.
TEST_F(CreditTaskApi, RowsInMemoryRunTheSameRecipeAsTheFile) {
  const JobSpec spec = job();
  const CreditTask from_file(spec);
  const CreditTask in_memory(spec, from_file.read_table());
  std::vector<std::vector<double>> scores;
  for (const CreditTask* task : {&from_file, &in_memory}) {
    set_random_seed(5);
    nn::clear_session();
    const CreditSplit data = task->split(5);
    scores.push_back(task->fit(data.train, 5).model.predict_proba(data.test));
  }
  EXPECT_EQ(scores[0], scores[1]);
  JobSpec elsewhere = spec;
  elsewhere.data.path = path("not_there.csv");  // the file is never read
  const CreditTask given(elsewhere, from_file.read_table());
  EXPECT_EQ(given.cross_validate(2, 1).folds.size(), 2u);
}

TEST_F(CreditTaskApi, CrossValidatesAndWritesTheReport) {
  JobSpec spec = job();
  spec.fit.epochs = 5;
  const CreditTask task(spec);
  int events = 0;
  const CreditCvResult cv = task.cross_validate(3, 4, [&](const std::string&, const nlohmann::json& e) {
    EXPECT_EQ(e.at("event"), "fold");
    ++events;
  });
  EXPECT_EQ(events, 3);
  ASSERT_EQ(cv.folds.size(), 3u);
  EXPECT_EQ(cv.epochs, (std::vector<int64_t>{5, 5, 5}));
  EXPECT_EQ(cv.summary.count("epochs"), 0u);  // epochs are not a metric
  const MeanStd auc = cv.summary.at("auc");
  EXPECT_NEAR(auc.mean, (cv.folds[0].at("auc") + cv.folds[1].at("auc") + cv.folds[2].at("auc")) / 3, 1e-12);
  EXPECT_GT(auc.std, 0.0);

  const CreditFit fitted = task.write_report({.dir = path("report"), .folds = 2, .explain_rows = 10}, 4);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / "report.md"));
  EXPECT_TRUE(fitted.model.model().built());
}

nlohmann::json layer(const std::string& class_name, const nlohmann::json& config) {
  return {{"class_name", class_name}, {"config", config}};
}

// The tabular architectures as a job writes them: periodic embeddings of the numeric
// columns (features = "numeric", resolved against the fitted preprocessor), TabM-mini and
// FT-Transformer. Each learns, reloads to the same scores and explains a row.
TEST_F(CreditTaskApi, TabularArchitecturesLearnReloadAndExplain) {
  const nlohmann::json plr = layer("PeriodicEmbedding", {{"features", "numeric"}, {"sigma", 0.1}});
  const nlohmann::json dense = layer("Dense", {{"units", 8}, {"activation", "relu"}});
  const nlohmann::json head = layer("Dense", {{"units", 1}, {"activation", "sigmoid"}});
  struct Case {
    std::string label, categorical;
    nlohmann::json layers;
    std::vector<int64_t> numeric;  // the PeriodicEmbedding's resolved columns, if it has one
  };
  const std::vector<Case> cases = {
      {"PLR", "one_hot", {plr, dense, head}, {0}},
      // Embedding mode: CategoricalEmbedding goes first and income stays column 0 of its output.
      {"PLR after categorical embedding", "embedding", {plr, dense, head}, {0}},
      {"TabM-mini with PLR",
       "one_hot",
       {plr, layer("EnsembleInput", {{"members", 4}}), dense, layer("EnsembleDense", {{"units", 1}}),
        layer("EnsembleMean", {{"activation", "sigmoid"}})},
       {0}},
      {"FT-Transformer",
       "one_hot",
       {layer("FeatureTokenizer", {{"d_token", 8}}),
        layer("TransformerEncoder", {{"num_heads", 2}, {"ff_dim", 16}, {"norm_first", true}}),
        layer("SelectToken", {{"index", -1}}), layer("LayerNormalization", nlohmann::json::object()),
        layer("Activation", {{"activation", "relu"}}), head},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    JobSpec spec = job();
    spec.preprocess.categorical = c.categorical;
    spec.model["config"]["layers"] = c.layers;
    const CreditTask task(spec);
    set_random_seed(3);
    const CreditSplit data = task.split(3);
    const CreditFit fitted = task.fit(data.train, 3);
    EXPECT_GT(task.evaluate(fitted.model, data.test).at("auc"), 0.8);
    for (const auto& l : fitted.model.model().layers()) {
      if (const auto* periodic = dynamic_cast<const nn::PeriodicEmbedding*>(l.get())) {
        EXPECT_EQ(periodic->features(), c.numeric);
      }
    }
    fitted.model.save(path("architecture.safetensors"));
    const tabular::TabularModel reloaded = tabular::TabularModel::load(path("architecture.safetensors"));
    EXPECT_EQ(reloaded.predict_proba(data.test), fitted.model.predict_proba(data.test));
    const auto explained = reloaded.explain(data.test.select_rows({0}));
    ASSERT_EQ(explained.size(), 1u);
    EXPECT_LT(std::abs(explained[0].completeness_gap), 0.05);
  }
}

TEST_F(CreditTaskApi, QuantileScalingTrainsReloadsAndExplains) {
  JobSpec spec = job();
  spec.preprocess.numeric_scaling = "quantile";
  const CreditTask task(spec);
  set_random_seed(3);
  const CreditSplit data = task.split(3);
  const CreditFit fitted = task.fit(data.train, 3);
  EXPECT_GT(task.evaluate(fitted.model, data.test).at("auc"), 0.85);
  fitted.model.save(path("quantile.safetensors"));
  const tabular::TabularModel reloaded = tabular::TabularModel::load(path("quantile.safetensors"));
  EXPECT_EQ(reloaded.preprocessor().options().scaling, data::NumericScaling::quantile);
  EXPECT_FALSE(reloaded.preprocessor().columns()[0].quantiles.empty());
  EXPECT_EQ(reloaded.predict_proba(data.test), fitted.model.predict_proba(data.test));
  const auto explained = reloaded.explain(data.test.select_rows({0}));
  ASSERT_EQ(explained.size(), 1u);
  EXPECT_LT(std::abs(explained[0].completeness_gap), 0.05);
}

TEST_F(CreditTaskApi, PeriodicEmbeddingOfNumericColumnsNeedsOne) {
  JobSpec spec = job();
  spec.data.kinds["income"] = "categorical";
  spec.model["config"]["layers"][0] = layer("PeriodicEmbedding", {{"features", "numeric"}});
  const CreditTask task(spec);
  const CreditSplit data = task.split(3);
  try {
    task.fit(data.train, 3);
    FAIL() << "no numeric column, yet no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "credit_in_code: PeriodicEmbedding features = \"numeric\", but the data has no numeric feature"),
              std::string::npos)
        << e.what();
  }
}

// Without a validation part, early stopping on a held-out share chooses the epoch count and
// the model is refitted on every training row for it; [fit] early_stopping = false keeps the count.
TEST_F(CreditTaskApi, EarlyStoppingChoosesTheEpochsThenRefitsOnEveryRow) {
  JobSpec spec = job();
  spec.fit.validation_split = 0.0;
  spec.fit.epochs = 60;
  spec.compile["optimizer"]["config"]["learning_rate"] = 0.2;  // overfits fast, so stopping matters
  const CreditTask task(spec);
  set_random_seed(3);
  const CreditSplit data = task.split(3);
  const CreditFit fitted = task.fit(data.train, 3);
  EXPECT_GT(fitted.chosen_epochs, 0);
  EXPECT_LT(fitted.chosen_epochs, 60);
  EXPECT_EQ(static_cast<int>(fitted.history.epoch.size()), fitted.chosen_epochs);  // the refit ran exactly that many
  EXPECT_EQ(fitted.history.history.count("val_loss"), 0u);                         // on every row: nothing held out
  EXPECT_GT(task.evaluate(fitted.model, data.test).at("auc"), 0.85);

  spec.fit.early_stopping_off = true;
  const CreditFit fixed = CreditTask(spec).fit(data.train, 3);
  EXPECT_EQ(fixed.chosen_epochs, 0);
  EXPECT_EQ(fixed.history.epoch.size(), 60u);
}

TEST_F(CreditTaskApi, RefusesOtherDataAndNamesTheJob) {
  JobSpec spec = job();
  spec.data.source = "npy";
  try {
    CreditTask task(spec);
    FAIL() << "a credit task on npy data";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("credit_in_code: the credit task works on csv and arff data"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace deepfin::tasks
