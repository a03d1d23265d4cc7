// deepfin tune's parts: the search space (forms, sampling, paths), successive halving on a
// score whose best is known, and the nested tuning of a small credit job, its outputs and
// its errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/search_space.h"
#include "deepfin/tasks/tuner.h"
#include "task_test_files.h"
#include "testing/paths.h"

namespace deepfin::tasks {
namespace {

template <class Fn>
std::string config_error(Fn fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(SearchSpace, ParsesEachFormAndNamesMistakes) {
  const SearchSpace s = search_space_from_json({{"fit.epochs", {10, 20}},
                                                {"a.lr", {{"log_uniform", {1e-4, 1e-2}}}},
                                                {"a.u", {{"int_uniform", {2, 4}}}},
                                                {"a.r", {{"uniform", {0.0, 0.5}}}}},
                                               "job.toml");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_NE(config_error([] {
              search_space_from_json({{"x", nlohmann::json::array()}}, "j");
            }).find("empty"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              search_space_from_json({{"x", {{"normal", {0, 1}}}}}, "j");
            }).find("unknown form"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              search_space_from_json({{"x", {{"uniform", {1, 0}}}}}, "j");
            }).find("lo < hi"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              search_space_from_json({{"x", {{"log_uniform", {0, 1}}}}}, "j");
            }).find("lo > 0"),
            std::string::npos);
  EXPECT_NE(config_error([] { search_space_from_json({{"x", 3}}, "j"); }).find("\"x\""), std::string::npos);
  EXPECT_NE(config_error([] {
              search_space_from_json({{"x", {{"int_uniform", {0.2, 0.8}}}}}, "j");
            }).find("int_uniform needs whole numbers"),
            std::string::npos);
}

TEST(SearchSpace, SamplesStayInTheirRanges) {
  const SearchSpace s = search_space_from_json(
      {{"c", {"a", "b"}}, {"l", {{"log_uniform", {1e-4, 1e-2}}}}, {"i", {{"int_uniform", {2, 4}}}}}, "j");
  std::mt19937_64 rng(1);
  std::set<int64_t> ints;
  std::set<std::string> choices;
  int below_1e3 = 0;
  for (int k = 0; k < 400; ++k) {
    const nlohmann::json v = sample_values(s, rng);
    const double l = v["l"].get<double>();
    ASSERT_TRUE(l >= 1e-4 && l <= 1e-2) << l;
    below_1e3 += l < 1e-3;
    ASSERT_TRUE(v["i"].is_number_integer());
    ints.insert(v["i"].get<int64_t>());
    choices.insert(v["c"].get<std::string>());
  }
  EXPECT_EQ(ints, (std::set<int64_t>{2, 3, 4}));
  EXPECT_EQ(choices.size(), 2u);
  EXPECT_GT(below_1e3, 140);  // log-uniform: half the draws below the geometric middle
  EXPECT_LT(below_1e3, 260);
}

TEST(SearchSpace, ValuesGoIntoTheirPathsAndMissingKeysAreNamed) {
  const nlohmann::json job = {{"model", {{"config", {{"layers", {{{"config", {{"units", 8}}}}}}}}}},
                              {"fit", {{"epochs", 5}}}};
  const nlohmann::json tuned =
      with_values(job, {{"model.config.layers.0.config.units", 32}, {"fit.batch_size", 64}, {"fit.epochs", 9}});
  EXPECT_EQ(tuned["model"]["config"]["layers"][0]["config"]["units"], 32);
  EXPECT_EQ(tuned["fit"]["batch_size"], 64);  // a new last key
  EXPECT_EQ(tuned["fit"]["epochs"], 9);
  const SearchSpace bad = search_space_from_json({{"model.config.layers.3.config.units", {1}}}, "j");
  EXPECT_NE(config_error([&] { check_search_paths(bad, job, "job.toml"); }).find("has no '3'"), std::string::npos);
  const SearchSpace deep = search_space_from_json({{"compile.optimizer.config.learning_rate", {1}}}, "j");
  EXPECT_NE(config_error([&] { check_search_paths(deep, job, "job.toml"); }).find("has no 'compile'"),
            std::string::npos);
}

TEST(SearchSpace, TheDefaultSpaceCoversWhatTheJobHas) {
  const nlohmann::json job =
      job_file_json(io::read_file(testing::test_data_dir() + "/../examples/credit_german.toml"), "german");
  std::set<std::string> paths;
  for (const SearchParam& p : default_search_space(job)) paths.insert(p.path);
  EXPECT_EQ(paths, (std::set<std::string>{"compile.optimizer.config.learning_rate", "fit.batch_size",
                                          "preprocess.numeric_bins", "preprocess.numeric_scaling",
                                          "model.config.layers.0.config.units", "model.config.layers.1.config.rate"}));
}

TEST(SearchSpace, AnEnsembleSearchesItsHiddenDenseAndThePeriodicScale) {
  // TabM-mini with periodic embeddings: the EnsembleDense heads give the output, so the one Dense
  // is hidden and its units are searched; so is the PeriodicEmbedding's sigma.
  const nlohmann::json layer_list =
      nlohmann::json::array({{{"class_name", "PeriodicEmbedding"}, {"config", {{"features", "numeric"}}}},
                             {{"class_name", "EnsembleInput"}, {"config", {{"members", 8}}}},
                             {{"class_name", "Dense"}, {"config", {{"units", 32}, {"activation", "relu"}}}},
                             {{"class_name", "EnsembleDense"}, {"config", {{"units", 1}}}},
                             {{"class_name", "EnsembleMean"}, {"config", {{"activation", "sigmoid"}}}}});
  const nlohmann::json job = {{"model", {{"class_name", "Sequential"}, {"config", {{"layers", layer_list}}}}}};
  std::set<std::string> paths;
  for (const SearchParam& p : default_search_space(job)) paths.insert(p.path);
  EXPECT_EQ(paths, (std::set<std::string>{"model.config.layers.0.config.sigma", "model.config.layers.2.config.units"}));
  check_search_paths(default_search_space(job), job, "tabm");
}

TEST(SearchSpace, ATextJobSearchesItsVocabularyEmbeddingAndFilters) {
  const nlohmann::json job =
      job_file_json(io::read_file(testing::test_data_dir() + "/../examples/phrasebank_allagree.toml"), "pb");
  std::set<std::string> paths;
  for (const SearchParam& p : default_search_space(job)) paths.insert(p.path);
  EXPECT_EQ(paths,
            (std::set<std::string>{"compile.optimizer.config.learning_rate", "fit.batch_size", "text.vocab_size",
                                   "model.config.layers.0.config.output_dim", "model.config.layers.1.config.filters",
                                   "model.config.layers.3.config.rate"}));
  check_search_paths(default_search_space(job), job, "pb");
}

TEST(SearchSpace, AJobWithoutAFitTableGetsNoBatchSizeToTune) {
  nlohmann::json job = job_file_json(io::read_file(testing::test_data_dir() + "/../examples/credit_german.toml"), "g");
  job.erase("fit");
  for (const SearchParam& p : default_search_space(job)) EXPECT_NE(p.path, "fit.batch_size");
  check_search_paths(default_search_space(job), job, "g");
}

TEST(SuccessiveHalving, RacesToTheBestAndScoresOnlyTheSurvivorsOnEveryFold) {
  const SearchSpace s = search_space_from_json({{"x", {{"uniform", {0.0, 1.0}}}}}, "j");
  std::map<int, int> per_fold;
  const auto trials = successive_halving(s, 27, 3, 3, 7, Deadline::max(), [&](const nlohmann::json& v, int fold) {
    ++per_fold[fold];
    return -std::abs(v["x"].get<double>() - 0.3) + 0.001 * fold;
  });
  EXPECT_EQ(per_fold[0], 27);
  EXPECT_EQ(per_fold[1], 9);  // the best third go on to every fold
  EXPECT_EQ(per_fold[2], 9);
  double closest = 1;
  for (const auto& t : trials) closest = std::min(closest, std::abs(t.values["x"].get<double>() - 0.3));
  EXPECT_DOUBLE_EQ(std::abs(best_trial(trials).values["x"].get<double>() - 0.3), closest);
}

TEST(SuccessiveHalving, APassedDeadlineStillScoresOneConfigurationAndNaNRanksLast) {
  const SearchSpace s = search_space_from_json({{"x", {{"uniform", {0.0, 1.0}}}}}, "j");
  const auto late = successive_halving(s, 10, 2, 2, 1, std::chrono::steady_clock::now() - std::chrono::seconds(1),
                                       [](const nlohmann::json&, int) { return 0.5; });
  int scored = 0;
  for (const auto& t : late) scored += !t.fold_scores.empty();
  EXPECT_EQ(scored, 1);
  EXPECT_TRUE(best_trial(late).complete);
  const auto trials = successive_halving(s, 4, 2, 2, 1, Deadline::max(), [](const nlohmann::json& v, int) {
    return v["x"].get<double>() > 0.5 ? std::nan("") : v["x"].get<double>();
  });
  EXPECT_LE(best_trial(trials).values["x"].get<double>(), 0.5);
}

TEST(ParseBudget, MinutesSecondsHoursAndMistakes) {
  EXPECT_DOUBLE_EQ(parse_budget("20m"), 1200);
  EXPECT_DOUBLE_EQ(parse_budget("90s"), 90);
  EXPECT_DOUBLE_EQ(parse_budget("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(parse_budget("30"), 30);
  for (const char* bad : {"", "m", "20 minutes", "-5m", "0", "nanm"})
    EXPECT_NE(config_error([&] { parse_budget(bad); }).find("--budget"), std::string::npos) << bad;
}

class CreditTune : public testing::TaskFiles {
 protected:
  std::string job_text(const std::string& tune) const {
    std::mt19937 gen(5);
    std::normal_distribution<double> noise(0.0, 0.6);
    std::string csv = "income,housing,class\n";
    for (int i = 0; i < 240; ++i) {
      const double income = 20 + (i * 37) % 80;
      const bool rent = i % 3 == 0;
      const double risk = (60 - income) / 15.0 + (rent ? 0.5 : 0.0) + noise(gen);
      csv += fmt::format("{},{},{}\n", income, rent ? "rent" : "own", risk > 0 ? "bad" : "good");
    }
    return fmt::format(
        "seed = 3\n[data]\nsource = \"csv\"\npath = \"{}\"\ntarget = \"class\"\npositive_label = \"bad\"\n"
        "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"Dense\"\n"
        "config = {{ units = 8, activation = \"relu\" }}\n[[model.config.layers]]\nclass_name = \"Dense\"\n"
        "config = {{ units = 1, activation = \"sigmoid\" }}\n[compile]\n"
        "optimizer = {{ class_name = \"Adam\", config = {{ learning_rate = 0.01 }} }}\nloss = \"binary_crossentropy\"\n"
        "[fit]\nepochs = 5\nverbose = 0\n[output]\nreport = \"{}\"\n{}",
        write("applicants.csv", csv), path("report"), tune);
  }
};

TEST_F(CreditTune, NestedScoresTheChosenConfigurationOnFoldsTheSearchNeverSaw) {
  const std::string text = job_text(
      "[tune]\ntrials = 4\nfolds = 2\nouter_folds = 2\neta = 2\n"
      "[tune.space]\n\"model.config.layers.0.config.units\" = [4, 16]\n"
      "\"compile.optimizer.config.learning_rate\" = { log_uniform = [0.001, 0.1] }\n");
  const nlohmann::json job = job_file_json(text, "job.toml");
  const TuneResult r = tune_job(job, "job.toml", {.seed = 3});
  EXPECT_EQ(r.metric, "auc");
  ASSERT_EQ(r.nested_scores.size(), 2u);
  ASSERT_EQ(r.as_written_scores.size(), 2u);
  for (double v : r.nested_scores) EXPECT_TRUE(v > 0.5 && v <= 1) << v;
  EXPECT_EQ(r.trials.size(), 12u);  // 3 searches of 4
  EXPECT_FALSE(r.budget_ran_out);
  const int units = r.best_values["model.config.layers.0.config.units"].get<int>();
  EXPECT_TRUE(units == 4 || units == 16);

  write_tune_outputs(r, path("report"));
  const JobSpec tuned = load_job_file(path("report/tuned.toml"));
  EXPECT_EQ(tuned.model["config"]["layers"][0]["config"]["units"], units);
  EXPECT_DOUBLE_EQ(tuned.compile["optimizer"]["config"]["learning_rate"].get<double>(),
                   r.best_values["compile.optimizer.config.learning_rate"].get<double>());
  const std::string trials = io::read_file(path("report/trials.csv"));
  EXPECT_EQ(trials.rfind("search,trial,values,fold_scores,mean,complete\n", 0), 0u);
  EXPECT_EQ(std::count(trials.begin(), trials.end(), '\n'), 13);
  EXPECT_NE(tune_summary(r).find("as written"), std::string::npos);
  EXPECT_NE(tune_summary(r).find("corrected resampled t"), std::string::npos);
  ASSERT_EQ(r.outer_fold_of_row.size(), 240u);
  EXPECT_EQ(std::count(r.outer_fold_of_row.begin(), r.outer_fold_of_row.end(), 1), 120);
  EXPECT_EQ(std::count(r.outer_fold_of_row.begin(), r.outer_fold_of_row.end(), 2), 120);
  EXPECT_EQ(io::read_file(path("report/folds.csv")).rfind("row,outer_fold\n0,", 0), 0u);
}

TEST_F(CreditTune, MistakesAreNamed) {
  auto error = [&](const std::string& tune) {
    return config_error([&] { tune_job(job_file_json(job_text(tune), "job.toml"), "job.toml", {}); });
  };
  EXPECT_NE(error("[tune]\ntrials = 2\nfolds = 2\nouter_folds = 2\nmetric = \"r2\"\n")
                .find("[tune] metric 'r2' is not a credit metric; there are: "),
            std::string::npos);
  EXPECT_NE(error("[tune.space]\n\"model.config.layers.5.config.units\" = [4]\n").find("has no '5'"),
            std::string::npos);
  // A value the job file itself would refuse (0 epochs) is caught by trying a configuration.
  EXPECT_NE(error("[tune.space]\n\"fit.epochs\" = [0]\n").find("epochs"), std::string::npos);
  auto job_error = [&](const std::string& tune) {
    return config_error([&] { parse_job(job_text(tune), "job.toml"); });
  };
  EXPECT_NE(job_error("[tune]\ntrials = 0\n").find("[tune] trials must be >= 1"), std::string::npos);
  EXPECT_NE(job_error("[tune]\nouter_folds = 1\n").find("outer_folds must be >= 2"), std::string::npos);
  EXPECT_NE(job_error("[tune]\ntrails = 3\n").find("unknown key 'trails'"), std::string::npos);
  EXPECT_NE(job_error("[tune.space]\nx = []\n").find("the list of choices is empty"), std::string::npos);
}

// Text jobs: the training texts are folded (the test file is never read: it does not exist
// here), and the score is accuracy or macro-F1.
class TextTune : public testing::TaskFiles {
 protected:
  std::string job_text(const std::string& tune) const {
    const char* up[] = {"profit rose strongly", "sales grew this quarter", "shares jumped on earnings"};
    const char* down[] = {"profit fell sharply", "sales dropped this quarter", "shares slumped on losses"};
    std::string csv = "text,label\n";
    for (int i = 0; i < 30; ++i) {
      csv += fmt::format("{} {},up\n", up[i % 3], i);
      csv += fmt::format("{} {},down\n", down[i % 3], i);
    }
    return fmt::format(
        "seed = 3\n[data]\nsource = \"text\"\nformat = \"csv\"\ntrain = \"{}\"\ntest = \"{}\"\n"
        "[text]\nvocab_size = 64\nmin_frequency = 1\nmax_length = 8\n"
        "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"Embedding\"\n"
        "config = {{ input_dim = 0, output_dim = 8 }}\n[[model.config.layers]]\n"
        "class_name = \"GlobalAveragePooling1D\"\nconfig = {{}}\n[[model.config.layers]]\nclass_name = \"Dense\"\n"
        "config = {{ units = 0, activation = \"softmax\" }}\n[compile]\n"
        "optimizer = {{ class_name = \"Adam\", config = {{ learning_rate = 0.05 }} }}\n"
        "loss = \"sparse_categorical_crossentropy\"\n[fit]\nepochs = 20\nbatch_size = 8\nverbose = 0\n"
        "[output]\nreport = \"{}\"\n{}",
        write("messages.csv", csv), path("never_read.csv"), path("report"), tune);
  }
};

TEST_F(TextTune, NestedScoresTheTrainingTextsWithAccuracy) {
  const nlohmann::json job =
      job_file_json(job_text("[tune]\ntrials = 2\nfolds = 2\nouter_folds = 2\neta = 2\n[tune.space]\n"
                             "\"compile.optimizer.config.learning_rate\" = [0.01, 0.05]\n"),
                    "text.toml");
  const TuneResult r = tune_job(job, "text.toml", {.seed = 3});
  EXPECT_EQ(r.metric, "accuracy");
  ASSERT_EQ(r.nested_scores.size(), 2u);
  for (double v : r.nested_scores) EXPECT_GT(v, 0.8);  // the words give the label away
  EXPECT_EQ(r.trials.size(), 6u);
  ASSERT_EQ(r.outer_fold_of_row.size(), 60u);
  EXPECT_EQ(std::count(r.outer_fold_of_row.begin(), r.outer_fold_of_row.end(), 1), 30);
  const double lr = r.best_values["compile.optimizer.config.learning_rate"].get<double>();
  EXPECT_TRUE(lr == 0.01 || lr == 0.05);
}

TEST_F(TextTune, MistakesAreNamed) {
  const std::string wrong_metric = config_error(
      [&] { tune_job(job_file_json(job_text("[tune]\nmetric = \"auc\"\n"), "text.toml"), "text.toml", {}); });
  EXPECT_NE(wrong_metric.find("text.toml: [tune] metric 'auc' is not a text metric; there are: accuracy, macro_f1"),
            std::string::npos)
      << wrong_metric;
  const nlohmann::json images =
      job_file_json(io::read_file(testing::test_data_dir() + "/../examples/seed_cnn.toml"), "seed_cnn.toml");
  const std::string wrong_kind = config_error([&] { tune_job(images, "seed_cnn.toml", {}); });
  EXPECT_NE(wrong_kind.find("seed_cnn.toml: deepfin tune works on credit (csv or arff), text and series jobs"),
            std::string::npos)
      << wrong_kind;
}

}  // namespace
}  // namespace deepfin::tasks
