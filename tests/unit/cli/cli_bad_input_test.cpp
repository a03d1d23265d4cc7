// The deepfin command against the bad-input catalogue (docs/bad_input.md): outputs
// that cannot be written are found before training, a full disk and unreadable
// files give one line and leave nothing behind, typos in numbers and keys are
// refused, and a diverging run ends with an error instead of hanging or saving NaN.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "cli_fixture.h"

namespace {

namespace fs = std::filesystem;

class CliBadInput : public deepfin::testing::CliFixture {
 protected:
  // A small credit table: 200 rows, a numeric, a categorical and a flag column.
  std::string credit_csv(const std::string& stray_amount = "") {
    std::string csv = "amount,housing,phone,status\n";
    for (int i = 0; i < 200; ++i)
      csv += (i == 50 && !stray_amount.empty() ? stray_amount : std::to_string(100 + (i * 37) % 500)) + "," +
             (i % 3 ? "own" : "rent") + "," + (i % 2 ? "yes" : "no") + "," + (i % 4 ? "good" : "bad") + "\n";
    return csv;
  }
  // A credit job; `top` goes before [data], `layer` is the first Dense's config,
  // `optimizer` the optimizer's table, `fit` extra [fit] lines.
  std::string job(const std::string& data, const std::string& output_model, const std::string& top = "",
                  const std::string& layer = "units = 8, activation = \"relu\"",
                  const std::string& optimizer = "{ class_name = \"Adam\", config = { learning_rate = 0.01 } }",
                  const std::string& fit = "epochs = 2\n") {
    return top + "[data]\nsource = \"csv\"\npath = \"" + data +
           "\"\ntarget = \"status\"\npositive_label = \"bad\"\n[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { " +
           layer +
           " }\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, activation = \"sigmoid\" }\n"
           "[compile]\noptimizer = " +
           optimizer + "\nloss = \"binary_crossentropy\"\nmetrics = [\"auc\"]\n[fit]\nverbose = 0\n" + fit +
           "[output]\nmodel = \"" + output_model + "\"\nreport = \"" + path("report") + "\"\n";
  }
  // No file in the folder whose name marks an unfinished write.
  bool no_temporaries(const fs::path& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().filename().string().find(".deepfin-tmp-") != std::string::npos) return false;
    return true;
  }
};

TEST_F(CliBadInput, AnOutputUnderAFileFailsBeforeTraining) {
  write("taken", "a file, not a folder");
  const auto r = run("train " + write("job.toml", job(write("c.csv", credit_csv()), path("taken/m.safetensors"))));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("cannot create the folder '" + path("taken") + "' for [output] model"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("test"), std::string::npos) << "it trained first: " << r.out;
}

TEST_F(CliBadInput, AReadOnlyOutputFolderFailsBeforeTraining) {
  fs::create_directories(path("locked"));
  ::chmod(path("locked").c_str(), 0555);
  const auto r = run("train " + write("job.toml", job(write("c.csv", credit_csv()), path("locked/m.safetensors"))),
                     as_unprivileged());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("cannot write into the folder '" + path("locked") + "' for [output] model"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  ::chmod(path("locked").c_str(), 0755);
}

TEST_F(CliBadInput, AnUnreadableDataFileIsNamed) {
  const std::string data = write("c.csv", credit_csv());
  ::chmod(data.c_str(), 0);
  ::chmod(dir_.c_str(), 0777);  // the outputs may be written: only the data is out of reach
  const std::string job_file = write("job.toml", job(data, path("out/m.safetensors")));
  const auto r = run("train " + job_file, as_unprivileged());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find(data), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out/m.safetensors")));
}

TEST_F(CliBadInput, AFullDiskFailsTheSaveCleanly) {
  // 16 blocks of 512 bytes (dash's unit): the model file, a few tens of KiB, does not fit.
  const std::string j = write("job.toml", job(write("c.csv", credit_csv()), path("out/m.safetensors"), "",
                                              "units = 256, activation = \"relu\""));
  const auto r = run("train " + j, "ulimit -f 16; ");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot write " + path("out/m.safetensors") + ": File too large"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out/m.safetensors")));
  EXPECT_TRUE(no_temporaries(dir_));
}

TEST_F(CliBadInput, NumbersThatWouldBeConvertedAreRefused) {
  const std::string data = write("c.csv", credit_csv());
  const auto seed = run("train " + write("a.toml", job(data, path("m.safetensors"), "seed = -1\n")));
  EXPECT_EQ(seed.exit_code, 1);
  EXPECT_NE(seed.err.find("seed must not be negative (got -1)"), std::string::npos) << seed.err;
  const auto epochs = run("train " + write("b.toml", job(data, path("m.safetensors"), "", "units = 8",
                                                         "{ class_name = \"Adam\", config = {} }", "epochs = 2.5\n")));
  EXPECT_EQ(epochs.exit_code, 1);
  EXPECT_NE(epochs.err.find("[fit] epochs must be a whole number (got 2.5)"), std::string::npos) << epochs.err;
  const auto units = run("train " + write("c.toml", job(data, path("m.safetensors"), "", "units = 8.5")));
  EXPECT_EQ(units.exit_code, 1);
  EXPECT_NE(units.err.find("config key 'units' must be a whole number (got 8.5)"), std::string::npos) << units.err;
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliBadInput, ATypoInALayerKeyAndAHugeLayerAreNamed) {
  const std::string data = write("c.csv", credit_csv());
  const auto typo =
      run("train " + write("a.toml", job(data, path("m.safetensors"), "", "units = 8, activaton = \"relu\"")));
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("unknown config key 'activaton'"), std::string::npos) << typo.err;
  const auto huge = run("train " + write("b.toml", job(data, path("m.safetensors"), "", "units = 2147483648")));
  EXPECT_EQ(huge.exit_code, 1);
  EXPECT_NE(huge.err.find("weight 'kernel' of shape"), std::string::npos) << huge.err;
  EXPECT_EQ(huge.err.find("internal error"), std::string::npos) << huge.err;
}

TEST_F(CliBadInput, ADivergingRunEndsWithAnErrorAndSavesNothing) {
  // learning_rate = 1e3 (a typo for 1e-3) with AdamW's weight decay, as in the German
  // credit example, and the AUC metric: once an endless loop.
  const std::string j = write(
      "job.toml", job(write("c.csv", credit_csv()), path("m.safetensors"), "", "units = 64, activation = \"relu\"",
                      "{ class_name = \"AdamW\", config = { learning_rate = 1e3, "
                      "weight_decay = 0.1 } }",
                      "epochs = 30\n"));
  for (const std::string command : {"train ", "cv --folds 3 "}) {
    const auto r = run(command + j);
    EXPECT_EQ(r.exit_code, 1) << command << r.out;
    EXPECT_NE(r.err.find("training diverged"), std::string::npos) << command << r.err;
  }
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliBadInput, AStrayWordInANumericColumnStopsTrainAndCvAlike) {
  const std::string j = write("job.toml", job(write("c.csv", credit_csv("1O0")), path("m.safetensors")));
  for (const std::string command : {"train ", "cv --folds 3 "}) {
    const auto r = run(command + j);
    EXPECT_EQ(r.exit_code, 1) << command << r.out;
    EXPECT_NE(r.err.find("c.csv:52"), std::string::npos) << command << r.err;
    EXPECT_NE(r.err.find("'1O0' is not a finite number"), std::string::npos) << command << r.err;
  }
}

TEST_F(CliBadInput, NonFiniteNumbersInAJobAreRefused) {
  // A base_score of nan once saved a model that could not score; an epsilon of inf one that never learned.
  const std::string data = write("c.csv", credit_csv());
  const std::string base = job(data, path("m.safetensors"));
  const auto nan_score = run("train " + write("a.toml", base + "[decision]\nbase_score = nan\n"));
  EXPECT_EQ(nan_score.exit_code, 1);
  EXPECT_NE(nan_score.err.find("decision.base_score = nan: numbers in a job must be finite"), std::string::npos)
      << nan_score.err;
  const auto inf_eps = run("train " + write("b.toml", job(data, path("m.safetensors"), "", "units = 8",
                                                          "{ class_name = \"Adam\", config = { epsilon = inf } }")));
  EXPECT_EQ(inf_eps.exit_code, 1);
  EXPECT_NE(inf_eps.err.find("compile.optimizer.config.epsilon = inf"), std::string::npos) << inf_eps.err;
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliBadInput, AnOutputThatIsAFolderFailsBeforeTraining) {
  fs::create_directories(path("m.safetensors"));
  const auto r = run("train " + write("job.toml", job(write("c.csv", credit_csv()), path("m.safetensors"))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot write [output] model to '" + path("m.safetensors") + "': it is a folder"),
            std::string::npos)
      << r.err;
}

TEST_F(CliBadInput, PredictChecksItsOutputBeforeScoringAndKeepsNonUtf8PathsInJson) {
  const auto trained = run("train " + write("job.toml", job(write("c.csv", credit_csv()), path("m.safetensors"))));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const std::string rows = write("rows.csv", "amount,housing,phone\n120,own,yes\n");
  fs::create_directories(path("locked"));
  ::chmod(path("locked").c_str(), 0555);
  const auto locked =
      run("predict " + path("m.safetensors") + " " + rows + " -o " + path("locked/s.csv"), as_unprivileged());
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_NE(locked.err.find("for -o/--output"), std::string::npos) << locked.err;
  ::chmod(path("locked").c_str(), 0755);
  ::chmod(path("m.safetensors").c_str(), 0);  // a model the user may not read
  const auto unreadable = run("predict " + path("m.safetensors") + " " + rows, as_unprivileged());
  EXPECT_EQ(unreadable.exit_code, 1);
  EXPECT_NE(unreadable.err.find(path("m.safetensors") + ": Permission denied"), std::string::npos) << unreadable.err;
  ::chmod(path("m.safetensors").c_str(), 0644);
  // A Latin-1 file name: the scores are written and the JSON event replaces the byte (it once threw, exit 3).
  const auto latin1 =
      run("--log-format json predict " + path("m.safetensors") + " " + rows + " -o '" + path("caf\xe9.csv") + "'");
  EXPECT_EQ(latin1.exit_code, 0) << latin1.err;
  EXPECT_NE(latin1.out.find("caf\xef\xbf\xbd.csv"), std::string::npos) << latin1.out;
  EXPECT_TRUE(fs::exists(path("caf\xe9.csv")));
}

TEST_F(CliBadInput, AFigureCutShortByAFullDiskIsNotKept) {
  // The report's PNG figures do not fit in 16 blocks; PLplot does not report the failed
  // write, so the figure's end is checked before it is renamed into place.
  const std::string j = write("job.toml", job(write("c.csv", credit_csv()), path("m.safetensors")));
  const auto r = run("report " + j + " -o " + path("report"), "ulimit -f 16; ");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("figure"), std::string::npos) << r.err;
  if (fs::exists(path("report"))) {
    for (const auto& e : fs::directory_iterator(path("report"))) EXPECT_NE(e.path().extension(), ".png") << e.path();
  }
  EXPECT_TRUE(no_temporaries(dir_));
}

TEST_F(CliBadInput, AThreadCountBeyondReasonIsRefused) {
  const auto r = run("--threads 100000 train " + write("job.toml", job(write("c.csv", credit_csv()), path("m.st"))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("thread count must lie in [1, 1024], got 100000"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, AnUnreadableJobFileIsNamed) {
  const std::string j = write("job.toml", job(write("c.csv", credit_csv()), path("m.safetensors")));
  ::chmod(j.c_str(), 0);
  const auto r = run("train " + j, as_unprivileged());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot open " + j + ": Permission denied"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, ACreditTrainNeedsNoReportFolder) {
  // Credit train writes no report, so a file named "report" where the default report
  // folder would go is no reason to refuse it.
  std::string j = job(write("c.csv", credit_csv()), path("m.safetensors"));
  j.erase(j.find("report = "));
  write("report", "a file");
  const auto r = run("train " + write("job.toml", j), "cd " + dir_.string() + " && ");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
