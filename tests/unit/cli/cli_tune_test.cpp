// deepfin tune end to end on a small credit CSV: the nested scores, the tuned job file
// (which trains as it stands) and the table of trials; a series job on walk-forward folds,
// whose tuned job backtests; a bad budget, a missing series and an image job each give one
// clear message.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "cli_fixture.h"

namespace {

class CliTune : public deepfin::testing::CliFixture {
 protected:
  std::string job() {
    std::mt19937 gen(2);
    std::normal_distribution<double> noise(0.0, 0.7);
    std::string csv = "income,age,class\n";
    for (int i = 0; i < 200; ++i) {
      const double income = 20 + (i * 37) % 80, age = 20 + (i * 13) % 50;
      csv += std::to_string(income) + "," + std::to_string(age) + "," +
             ((60 - income) / 15.0 + noise(gen) > 0 ? "bad" : "good") + "\n";
    }
    return "seed = 1\n[data]\nsource = \"csv\"\npath = \"" + write("a.csv", csv) +
           "\"\ntarget = \"class\"\npositive_label = \"bad\"\n[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 8, activation = \"relu\" }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, activation = \"sigmoid\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.01 } }\n"
           "loss = \"binary_crossentropy\"\n[fit]\nepochs = 4\nverbose = 0\n[output]\nreport = \"" +
           path("report") + "\"\n[tune]\nfolds = 2\nouter_folds = 2\n";
  }
};

TEST_F(CliTune, WritesTheTunedJobAndTheTrialsAndTheTunedJobTrains) {
  const std::string job_file = write("job.toml", job());
  const deepfin::testing::CliResult r = run("tune " + job_file + " --trials 3 --budget 10m");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("outer fold 2/2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nested cross-validation, 2 outer folds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("as written"), std::string::npos);
  for (const char* f : {"tuned.toml", "trials.csv", "folds.csv", "tune.md"})
    EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / f)) << f;
  const deepfin::testing::CliResult again = run("train " + path("report/tuned.toml"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(CliTune, ASeriesJobTunesOnDatedWalkForwardFoldsAndItsTunedJobBacktests) {
  std::string csv = "date,close\n";
  for (int i = 0; i < 200; ++i)  // 28-day months of a wavy upward price
    csv += "2001-" + std::string(i / 28 < 9 ? "0" : "") + std::to_string(1 + i / 28) + "-" +
           std::string(i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28) + "," +
           std::to_string(100 * std::exp(0.002 * i + 0.02 * std::sin(i * 0.7))) + "\n";
  const std::string job_file =
      write("series.toml",
            "seed = 1\n[data]\nsource = \"series\"\npath = \"" + write("closes.csv", csv) +
                "\"\ntarget = \"close\"\n[window]\nsequence_length = 5\n[model]\nclass_name = \"Sequential\"\n"
                "[[model.config.layers]]\nclass_name = \"GRU\"\nconfig = { units = 4 }\n"
                "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1 }\n"
                "[compile]\nloss = \"mse\"\n[fit]\nepochs = 2\nverbose = 0\n[backtest]\nretrain_every = 20\n"
                "[output]\nreport = \"" +
                path("report") + "\"\n[tune]\nfolds = 2\nouter_folds = 2\n[tune.space]\n\"fit.epochs\" = [1, 2]\n");
  const deepfin::testing::CliResult r = run("tune " + job_file + " --trials 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tuned        -"), std::string::npos) << r.out;  // neg_rmse: a negated loss
  EXPECT_NE(r.out.find("(neg_rmse on folds the search never saw)"), std::string::npos) << r.out;
  EXPECT_EQ(deepfin::testing::slurp(path("report/folds.csv")).rfind("row,date,outer_fold\n0,\"2001-01-07\",0\n", 0),
            0u);
  const deepfin::testing::CliResult again = run("backtest " + path("report/tuned.toml"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(CliTune, ABadBudgetAMissingSeriesAndAnImageJobAreNamed) {
  const std::string job_file = write("job.toml", job());
  const deepfin::testing::CliResult budget = run("tune " + job_file + " --budget soon");
  EXPECT_EQ(budget.exit_code, 1);
  EXPECT_NE(budget.err.find("--budget: expected a positive duration such as 20m"), std::string::npos) << budget.err;
  const std::string series =
      write("s.toml", "[data]\nsource = \"series\"\npath = \"" + path("missing.csv") +
                          "\"\ntarget = \"close\"\n[model]\n"
                          "class_name = \"Sequential\"\nconfig = { layers = [] }\n[compile]\nloss = \"mse\"\n");
  const deepfin::testing::CliResult missing = run("tune " + series);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("missing.csv"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "report")) << "nothing is written for a job that cannot run";
  const std::string images = write(
      "i.toml", "[data]\nsource = \"npy\"\nx = \"" + path("x.npy") + "\"\ny = \"" + path("y.npy") +
                    "\"\n[model]\nclass_name = \"Sequential\"\nconfig = { layers = [] }\n[compile]\nloss = \"mse\"\n");
  const deepfin::testing::CliResult other = run("tune " + images);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("deepfin tune works on credit (csv or arff), text and series jobs"), std::string::npos)
      << other.err;
}

}  // namespace
