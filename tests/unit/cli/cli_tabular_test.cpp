// The credit path of the deepfin command end to end on a small synthetic CSV:
// train -> predict / explain / cv / report, and every bad input the issue names
// (missing target, one class, non-numeric cell, wrong field count, unseen
// category, column missing at predict time) gives one clear message and leaves
// no file behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "cli_fixture.h"

namespace {

namespace fs = std::filesystem;

class CliTabular : public deepfin::testing::CliFixture {
 protected:
  // Applicants whose risk rises with debt and falls with income; renters are
  // riskier. Income is sometimes missing (NA), so imputation and indicators run.
  std::string credit_csv(int rows, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* housing[] = {"own", "rent", "free"};
    std::string csv = "income,debt,housing,phone,status\n";
    for (int i = 0; i < rows; ++i) {
      const double income = 50 + 15 * normal(gen), debt = 10 + 5 * normal(gen);
      const int h = static_cast<int>(gen() % 3);
      const double z = -0.08 * (income - 50) + 0.3 * (debt - 10) + (h == 1 ? 1.0 : 0.0) - 0.8;
      const bool bad = unit(gen) < 1.0 / (1.0 + std::exp(-z));
      csv += (unit(gen) < 0.05 ? std::string("NA") : std::to_string(income)) + "," + std::to_string(debt) + ",\"" +
             housing[h] + "\"," + (gen() % 2 ? "yes" : "no") + "," + (bad ? "bad" : "good") + "\n";
    }
    return csv;
  }
  std::string job(const std::string& data_file, const std::string& extra_data = "", const std::string& extra_fit = "") {
    return "seed = 3\n[data]\nsource = \"csv\"\npath = \"" + data_file +
           "\"\ntarget = \"status\"\npositive_label = \"bad\"\n" + extra_data +
           "[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 8, activation = \"relu\" }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, activation = \"sigmoid\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.01 } }\n"
           "loss = \"binary_crossentropy\"\nmetrics = [\"auc\"]\n[fit]\nepochs = 15\nverbose = 0\n" +
           extra_fit + "[output]\nmodel = \"" + path("model.safetensors") + "\"\npredictions = \"" +
           path("scores.csv") + "\"\nreport = \"" + path("report") + "\"\n";
  }
  // Trains the standard job and returns the model path.
  std::string trained_model() {
    const std::string data = write("credit.csv", credit_csv(400, 11));
    const deepfin::testing::CliResult r = run("train " + write("job.toml", job(data)));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return path("model.safetensors");
  }
};

TEST_F(CliTabular, ASingleRowIsOneClassAndSaysSo) {
  const deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(write("one.csv", "income,debt,housing,phone,status\n50,10,own,yes,bad\n"))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("one.csv: column 'status' has one class only"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("model.safetensors")));
}

TEST_F(CliTabular, TrainReportsCreditMetricsAndSavesTheModel) {
  const std::string model = trained_model();
  ASSERT_TRUE(fs::exists(model));
  ASSERT_TRUE(fs::exists(path("scores.csv")));
  const std::string scores = deepfin::testing::slurp(path("scores.csv"));
  EXPECT_EQ(scores.rfind("row,line,probability,decision,points\n", 0), 0u);
  // 400 rows, 20 % held out stratified: 80 score lines plus the header.
  EXPECT_EQ(std::count(scores.begin(), scores.end(), '\n'), 81);
}

TEST_F(CliTabular, PredictScoresRawRowsAndExplainGivesReasonsThatAddUp) {
  const std::string model = trained_model();
  const std::string rows = write("rows.csv",
                                 "status,phone,housing,debt,income\n"  // other column order, target present
                                 "good,yes,own,5,90\n"
                                 "bad,no,rent,25,20\n"
                                 "bad,no,rent,22,NA\n");
  deepfin::testing::CliResult p = run("predict " + model + " " + rows);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out.rfind("row,line,probability,decision,points\n", 0), 0u) << p.out;  // header on stderr, not here
  deepfin::testing::CliResult e = run("explain " + model + " " + rows + " --format json --steps 128");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json j = nlohmann::json::parse(e.out);
  ASSERT_EQ(j["rows"].size(), 3u);
  const auto& safe = j["rows"][0];
  const auto& risky = j["rows"][1];
  EXPECT_LT(safe["probability"].get<double>(), risky["probability"].get<double>());
  EXPECT_EQ(risky["decision"], "adverse");
  ASSERT_FALSE(risky["reasons"].empty());
  EXPECT_LE(risky["reasons"].size(), 4u);
  // The riskiest facts of row 2 are its debt, income or renting; each reason names the column and value.
  const std::string top = risky["reasons"][0]["reason"];
  EXPECT_TRUE(top == "debt = 25" || top == "income = 20" || top == "housing = rent") << top;
  for (const auto& row : j["rows"]) EXPECT_LT(std::abs(row["completeness_gap"].get<double>()), 0.05);
  EXPECT_EQ(j["rows"][2]["reasons"].size() > 0, true);
  // The table form says what the attributions explain and checks completeness.
  deepfin::testing::CliResult t = run("explain " + model + " " + rows);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("completeness check"), std::string::npos);
  EXPECT_NE(t.out.find("ADVERSE"), std::string::npos);
}

TEST_F(CliTabular, CrossValidationAndReportRun) {
  const std::string data = write("credit.csv", credit_csv(300, 5));
  // Early stopping on the AUC of a stratified validation part, with balanced class weights.
  const std::string job_file =
      write("job.toml", job(data, "",
                            "validation_split = 0.25\nclass_weight = \"balanced\"\n"
                            "early_stopping = { monitor = \"val_auc\", mode = \"max\", patience = 2 }\n"));
  deepfin::testing::CliResult cv = run("cv " + job_file + " --folds 3");
  ASSERT_EQ(cv.exit_code, 0) << cv.err;
  EXPECT_NE(cv.out.find("fold  3/3"), std::string::npos) << cv.out;
  EXPECT_NE(cv.out.find("3-fold stratified cross-validation"), std::string::npos);
  deepfin::testing::CliResult rep = run("report " + job_file + " --folds 2");
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  for (const char* f :
       {"report.md", "roc.png", "ks.png", "calibration.png", "score_distribution.png", "attributions.png"})
    EXPECT_TRUE(fs::exists(dir_ / "report" / f)) << f;
  const std::string md = deepfin::testing::slurp(dir_ / "report" / "report.md");
  EXPECT_NE(md.find("The model's decision threshold"), std::string::npos);
  EXPECT_NE(md.find("Population stability"), std::string::npos);
}

TEST_F(CliTabular, PsiComparesTwoScoreFiles) {
  const std::string a = write("a.csv", "probability\n0.1\n0.2\n0.3\n0.4\n");
  deepfin::testing::CliResult same = run("psi " + a + " " + a + " --bins 2");
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("PSI 0.0000 (stable)"), std::string::npos) << same.out;
  // Expected deciles from a; every actual score above them: by hand with 2 bins (edge 0.25),
  // shares e = (0.5, 0.5), a = (0 -> 1e-4, 1): (1e-4 - 0.5) ln(1e-4 / 0.5) + (1 - 0.5) ln(1 / 0.5) = 4.25775 + 0.34657
  // = 4.6043
  const std::string b = write("b.csv", "probability\n0.9\n0.8\n");
  deepfin::testing::CliResult shifted = run("psi " + a + " " + b + " --bins 2");
  ASSERT_EQ(shifted.exit_code, 0) << shifted.err;
  EXPECT_NE(shifted.out.find("PSI 4.6043 (significant shift)"), std::string::npos) << shifted.out;
  deepfin::testing::CliResult bad = run("psi " + a + " " + write("c.csv", "probability\n0.5\nhigh\n"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("c.csv:3"), std::string::npos) << bad.err;
}

TEST_F(CliTabular, CalibrationIsFittedOnTheValidationPart) {
  const std::string data = write("credit.csv", credit_csv(300, 8));
  std::string text = job(data, "", "validation_split = 0.3\n");
  text += "[decision]\ncalibration = \"isotonic\"\n";
  deepfin::testing::CliResult r = run("train " + write("job.toml", text));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string no_validation = job(data) + "[decision]\ncalibration = \"platt\"\n";
  deepfin::testing::CliResult refused = run("train " + write("job2.toml", no_validation));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("validation_split"), std::string::npos) << refused.err;
}

TEST_F(CliTabular, MissingTargetColumnNamesTheColumns) {
  const std::string data = write("credit.csv", credit_csv(50, 1));
  std::string text = job(data);
  text.replace(text.find("target = \"status\""), 17, "target = \"outcome\"");
  deepfin::testing::CliResult r = run("train " + write("job.toml", text));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no column 'outcome'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("income, debt, housing, phone, status"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("model.safetensors")));
}

TEST_F(CliTabular, SingleClassTargetIsRefused) {
  const std::string data = write("one.csv", "income,status\n1,good\n2,good\n3,good\n");
  std::string text = job(data);
  text.replace(text.find("positive_label = \"bad\""), 22, "positive_label = \"good\"");
  deepfin::testing::CliResult r = run("train " + write("job.toml", text));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("one class only"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("model.safetensors")));
}

TEST_F(CliTabular, NonNumericCellAtPredictTimeNamesLineAndColumn) {
  const std::string model = trained_model();
  const std::string rows = write("rows.csv", "income,debt,housing,phone\n50,10,own,yes\n50,lots,own,yes\n");
  deepfin::testing::CliResult r = run("predict " + model + " " + rows + " -o " + path("out.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rows.csv:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("debt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lots"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out.csv")));
}

TEST_F(CliTabular, WrongFieldCountNamesTheLine) {
  const std::string model = trained_model();
  const std::string rows = write("rows.csv", "income,debt,housing,phone\n50,10,own,yes\n50,10,own\n");
  deepfin::testing::CliResult r = run("explain " + model + " " + rows);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rows.csv:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 fields"), std::string::npos) << r.err;
}

TEST_F(CliTabular, UnseenCategoryIsScoredAsUnknownAndSaidSo) {
  const std::string model = trained_model();
  const std::string rows = write("rows.csv", "income,debt,housing,phone\n50,10,houseboat,yes\n50,10,own,yes\n");
  deepfin::testing::CliResult r = run("explain " + model + " " + rows);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 cells held categories never seen in training"), std::string::npos) << r.out;
}

TEST_F(CliTabular, ColumnMissingAtPredictTimeIsNamed) {
  const std::string model = trained_model();
  const std::string rows = write("rows.csv", "income,housing,phone\n50,own,yes\n");
  deepfin::testing::CliResult r = run("predict " + model + " " + rows + " -o " + path("out.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'debt'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out.csv")));
}

TEST_F(CliTabular, ANonTabularModelCannotExplainCsvRows) {
  const std::string rows = write("rows.csv", "a\n1\n");
  deepfin::testing::CliResult r = run("explain " + (dir_ / "missing.safetensors").string() + " " + rows);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.safetensors"), std::string::npos) << r.err;
}

}  // namespace
