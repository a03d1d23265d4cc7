// The forecasting path of the deepfin command end to end on a small synthetic
// price series: train and backtest write their tables, figures and predictions;
// a series shorter than the window, dates out of order, a missing target column
// and a horizon beyond the data each give one clear message.
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

class CliForecast : public deepfin::testing::CliFixture {
 protected:
  // Consecutive calendar days, a random-walk price with a blank (holiday) now and then.
  std::string prices(int rows, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> step(0.0003, 0.01);
    std::string csv = "date,close\n";
    double p = 100;
    for (int i = 0; i < rows; ++i) {
      const int y = 2020 + i / 336, m = 1 + (i / 28) % 12, d = 1 + i % 28;
      p *= std::exp(step(gen));
      csv += fmt(y, m, d) + "," + (i % 50 == 7 ? std::string("") : std::to_string(p)) + "\n";
    }
    return csv;
  }
  static std::string fmt(int y, int m, int d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  std::string job(const std::string& csv, const std::string& window = "sequence_length = 10\n") {
    return "seed = 1\n[data]\nsource = \"series\"\npath = \"" + csv +
           "\"\ntarget = \"close\"\n[features]\nrolling_mean = [3]\nrolling_volatility = [5]\n[window]\n" + window +
           "[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"LSTM\"\nconfig = { units = 4 }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1 }\n"
           "[compile]\nloss = \"mse\"\noptimizer = \"adam\"\n[fit]\nepochs = 2\nverbose = 0\n"
           "[backtest]\ntest_fraction = 0.25\nretrain_every = 20\n[output]\nreport = \"" +
           path("report") + "\"\npredictions = \"" + path("pred.csv") + "\"\nmodel = \"" + path("m.safetensors") +
           "\"\n";
  }
};

TEST_F(CliForecast, TrainAndBacktestWriteTablesFiguresAndPredictions) {
  const std::string job_file = write("job.toml", job(write("p.csv", prices(200, 3))));
  deepfin::testing::CliResult t = run("train " + job_file);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("random walk (tomorrow = today)"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("verdict: vs random walk"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "report" / "test.md"));
  deepfin::testing::CliResult b = run("backtest " + job_file);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  // 196 rows after dropping 4 blanks; the last round(0.25 * 196) = 49 are the test points: 3 folds of 20.
  EXPECT_NE(b.out.find("fold 3:"), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("fold 4:"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("on 49 test points"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("buy and hold"), std::string::npos);
  for (const char* f : {"backtest.md", "forecast.png", "returns.png", "equity.png"})
    EXPECT_TRUE(fs::exists(dir_ / "report" / f)) << f;
  EXPECT_NE(b.out.find("Diebold-Mariano on squared errors against the random walk"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("Sharpe ratio of long/flat minus buy and hold"), std::string::npos) << b.out;
  const std::string pred = deepfin::testing::slurp(path("pred.csv"));
  EXPECT_EQ(pred.rfind("date,previous,actual,forecast,forecast_log_return,position\n", 0), 0u);
  EXPECT_EQ(std::count(pred.begin(), pred.end(), '\n'), 50);
  EXPECT_TRUE(fs::exists(path("m.safetensors")));
}

TEST_F(CliForecast, AVarianceJobComparesWithEwmaAndGarchAndBacktestsTheVar) {
  // 700 rows: the filtered historical VaR measures its tail after GARCH's first year, before the last 20 %.
  std::string text = job(write("p.csv", prices(700, 4)), "sequence_length = 10\ntarget = \"variance\"\n");
  text.replace(text.find("loss = \"mse\""), 12, "loss = \"qlike\"");
  deepfin::testing::CliResult t = run("--log-format json train " + write("job.toml", text));
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto start = t.out.find("{\"diebold_mariano\"");
  ASSERT_NE(start, std::string::npos) << t.out;
  const nlohmann::json event = nlohmann::json::parse(t.out.substr(start, t.out.find('\n', start) - start));
  EXPECT_EQ(event.at("event"), "test");
  EXPECT_EQ(event.at("diebold_mariano").size(), 8u);
  EXPECT_EQ(event.at("diebold_mariano")[4].at("forecaster"), "combination");
  EXPECT_EQ(event.at("var_method"), "filtered_historical");
  EXPECT_EQ(event.at("value_at_risk").size(), 8u);
  EXPECT_GT(event.at("value_at_risk")[0].at("var_multiple").get<double>(), 1.5);
  EXPECT_TRUE(event.at("mean_qlike").contains("GARCH(1,1)"));
  EXPECT_TRUE(fs::exists(dir_ / "report" / "volatility.png"));
  const std::string pred = deepfin::testing::slurp(path("pred.csv"));
  EXPECT_EQ(
      pred.rfind(
          "date,realized_variance,model_variance,ewma_variance,garch_variance,combination_variance,next_return\n", 0),
      0u);

  std::string mse = text;
  mse.replace(mse.find("loss = \"qlike\""), 14, "loss = \"mse\"");
  deepfin::testing::CliResult bad = run("train " + write("mse.toml", mse));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("is trained with [compile] loss = \"qlike\""), std::string::npos) << bad.err;
}

TEST_F(CliForecast, SeriesShorterThanTheWindowIsNamed) {
  deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(write("p.csv", prices(30, 1)), "sequence_length = 60\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("a window of 60 steps plus horizon 1 needs at least"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "report"));
}

TEST_F(CliForecast, ASingleRowIsNamedWithWhatAWindowNeeds) {
  deepfin::testing::CliResult r = run("train " + write("job.toml", job(write("p.csv", prices(1, 1)))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("p.csv: the series has 1 rows"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("m.safetensors")));
}

TEST_F(CliForecast, HorizonBeyondTheDataIsNamed) {
  deepfin::testing::CliResult r =
      run("train " + write("job.toml", job(write("p.csv", prices(40, 1)), "sequence_length = 5\nhorizon = 50\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("horizon 50"), std::string::npos) << r.err;
}

TEST_F(CliForecast, DatesOutOfOrderNameBothLines) {
  std::string csv = prices(100, 2);
  const size_t line5 = [&] {
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) pos = csv.find('\n', pos) + 1;
    return pos;
  }();
  csv.replace(line5, 10, "2019-12-31");  // line 5 goes back in time
  deepfin::testing::CliResult r = run("backtest " + write("job.toml", job(write("p.csv", csv))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dates must increase"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 5"), std::string::npos) << r.err;
}

TEST_F(CliForecast, MissingTargetColumnIsNamed) {
  std::string text = job(write("p.csv", prices(100, 2)));
  text.replace(text.find("target = \"close\""), 16, "target = \"open\"");
  deepfin::testing::CliResult r = run("train " + write("job.toml", text));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'open'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("close"), std::string::npos) << r.err;  // the columns there are
}

TEST_F(CliForecast, ValidationOnTheTestSpanIsRefused) {
  std::string text = job(write("p.csv", prices(150, 2)));
  text.replace(text.find("verbose = 0"), 11, "verbose = 0\nvalidation = \"test\"");
  deepfin::testing::CliResult r = run("train " + write("job.toml", text));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("would train on the test span"), std::string::npos) << r.err;
}

}  // namespace
