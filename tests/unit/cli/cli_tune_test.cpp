// deepfin tune end to end on a small credit CSV: the nested scores, the tuned job file
// (which trains as it stands) and the table of trials; a bad budget and a job that is
// not a credit job each give one clear message.
#include <gtest/gtest.h>

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

TEST_F(CliTune, ABadBudgetAndAForecastJobAreNamed) {
  const std::string job_file = write("job.toml", job());
  const deepfin::testing::CliResult budget = run("tune " + job_file + " --budget soon");
  EXPECT_EQ(budget.exit_code, 1);
  EXPECT_NE(budget.err.find("--budget: expected a positive duration such as 20m"), std::string::npos) << budget.err;
  const std::string series =
      write("s.toml",
            "[data]\nsource = \"series\"\npath = \"p.csv\"\ntarget = \"close\"\n[model]\n"
            "class_name = \"Sequential\"\nconfig = { layers = [] }\n[compile]\nloss = \"mse\"\n");
  const deepfin::testing::CliResult other = run("tune " + series);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("deepfin tune works on credit (csv or arff) and text jobs"), std::string::npos) << other.err;
}

}  // namespace
