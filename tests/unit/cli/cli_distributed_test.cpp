// `mpirun -np 2 deepfin train JOB` for every kind of job (credit, image arrays,
// text, forecasting): the two ranks train the model one process trains, so
// every test metric agrees with the one-process run to 1e-3 (the runs differ
// only in the order of float additions; the models here draw no random numbers
// in training). Rank 0 alone prints and writes; commands that do not train
// over ranks refuse to start under mpirun.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "deepfin/deepfin.h"
#include "mpi_fixture.h"

namespace {

namespace fs = std::filesystem;
using deepfin::testing::CliResult;

class CliDistributed : public deepfin::testing::CliFixture {
 protected:
  std::string credit_job() {
    const std::string csv = deepfin::testing::credit_csv(500, 4);
    return "seed = 3\n[data]\nsource = \"csv\"\npath = \"" + write("credit.csv", csv) +
           "\"\ntarget = \"status\"\npositive_label = \"bad\"\n" + dense_model(8, 1, "sigmoid") +
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.01 } }\n"
           "loss = \"binary_crossentropy\"\nmetrics = [\"auc\"]\n[fit]\nepochs = 8\nbatch_size = 32\nverbose = 0\n" +
           outputs();
  }
  std::string arrays_job() {
    deepfin::Generator gen(8);
    const int64_t n = 400;
    std::vector<float> x(static_cast<size_t>(n * 36));
    std::vector<int64_t> y(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      y[static_cast<size_t>(i)] = static_cast<int64_t>(gen.below(3));
      for (int64_t k = 0; k < 36; ++k)
        x[static_cast<size_t>(i * 36 + k)] =
            static_cast<float>(gen.normal(k % 3 == y[static_cast<size_t>(i)] ? 0.8 : 0.0, 1.0));
    }
    deepfin::io::save_npy(path("x.npy"), deepfin::from_vector(x, {n, 6, 6, 1}));
    deepfin::io::save_npy(path("y.npy"), deepfin::from_vector(y, {n}));
    return "seed = 5\n[data]\nsource = \"npy\"\nx = \"" + path("x.npy") + "\"\ny = \"" + path("y.npy") +
           "\"\ntest_split = 0.25\n[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Conv2D\"\nconfig = { filters = 4, kernel_size = [3, 3], activation "
           "= \"relu\", input_shape = [6, 6, 1] }\n"
           "[[model.config.layers]]\nclass_name = \"Flatten\"\nconfig = {}\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 3, activation = \"softmax\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.01 } }\n"
           "loss = \"categorical_crossentropy\"\nmetrics = [\"accuracy\"]\n[fit]\nepochs = 4\nbatch_size = 16\n"
           "verbose = 0\n" +
           outputs();
  }
  std::string text_job() {
    std::mt19937 gen(6);
    const std::vector<std::pair<std::string, std::vector<std::string>>> intents = {
        {"lost_card", {"lost", "stolen", "missing", "card"}},
        {"balance", {"balance", "money", "account", "much"}},
        {"transfer", {"transfer", "send", "payee", "wire"}}};
    const std::vector<std::string> filler = {"please", "i", "my", "the", "help", "now"};
    std::string csv = "text,category\n";
    for (int i = 0; i < 40; ++i)
      for (const auto& [label, words] : intents) {
        std::string t;
        for (int w = 0; w < 6; ++w)
          t += (w ? " " : "") + (gen() % 2 ? words[gen() % words.size()] : filler[gen() % filler.size()]);
        csv += "\"" + t + "\"," + label + "\n";
      }
    return "seed = 2\n[data]\nsource = \"text\"\ntrain = \"" + write("text.csv", csv) +
           "\"\ntext_column = \"text\"\nlabel_column = \"category\"\n[text]\nvocab_size = 100\nmin_frequency = 1\n"
           "max_length = 8\n[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Embedding\"\nconfig = { input_dim = 0, output_dim = 8, mask_zero "
           "= true }\n"
           "[[model.config.layers]]\nclass_name = \"GlobalAveragePooling1D\"\nconfig = {}\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 0, activation = \"softmax\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.02 } }\n"
           "loss = \"sparse_categorical_crossentropy\"\n[fit]\nepochs = 6\nverbose = 0\n" +
           outputs();
  }
  std::string series_job() {
    std::mt19937 gen(7);
    std::normal_distribution<double> step(0.0003, 0.01);
    std::string csv = "date,close\n";
    double p = 100;
    for (int i = 0; i < 400; ++i) {
      char date[32];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2020 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
      p *= std::exp(step(gen));
      csv += std::string(date) + "," + std::to_string(p) + "\n";
    }
    return "seed = 1\n[data]\nsource = \"series\"\npath = \"" + write("prices.csv", csv) +
           "\"\ntarget = \"close\"\n[features]\nrolling_mean = [3]\n[window]\nsequence_length = 10\n"
           "[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"LSTM\"\nconfig = { units = 4 }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1 }\n"
           "[compile]\nloss = \"mse\"\noptimizer = \"adam\"\n[fit]\nepochs = 3\nverbose = 0\n"
           "[backtest]\ntest_fraction = 0.25\n" +
           outputs();
  }
  std::string dense_model(int hidden, int out, const std::string& activation) {
    return "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units "
           "= " +
           std::to_string(hidden) + ", activation = \"relu\" }\n[[model.config.layers]]\nclass_name = \"Dense\"\n" +
           "config = { units = " + std::to_string(out) + ", activation = \"" + activation + "\" }\n";
  }
  std::string outputs() {
    return "[output]\nmodel = \"" + path("model.safetensors") + "\"\nreport = \"" + path("report") + "\"\n";
  }

  // Every number of the "test" event of a --log-format json run, by its path.
  static std::map<std::string, double> test_metrics(const std::string& out) {
    std::map<std::string, double> found;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      const auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_discarded() || event.value("event", "") != "test") continue;
      const nlohmann::json flat = event.flatten();
      for (const auto& [key, value] : flat.items())
        if (value.is_number()) found[key] = value.get<double>();
    }
    return found;
  }
};

TEST_F(CliDistributed, EveryJobKindTrainsOnTwoRanksAsOnOne) {
  const std::vector<std::pair<std::string, std::string>> jobs = {
      {"credit", credit_job()}, {"arrays", arrays_job()}, {"text", text_job()}, {"series", series_job()}};
  for (const auto& [kind, job] : jobs) {
    SCOPED_TRACE(kind);
    const std::string file = write(kind + ".toml", job);
    const CliResult one = run("train " + file + " --log-format json", deepfin::testing::one_process_prefix());
    ASSERT_EQ(one.exit_code, 0) << one.err;
    fs::remove(path("model.safetensors"));
    const CliResult two = run("train " + file + " --log-format json", deepfin::testing::mpirun_prefix());
    ASSERT_EQ(two.exit_code, 0) << two.err << two.out;
    EXPECT_TRUE(fs::exists(path("model.safetensors"))) << "rank 0 saves the model";
    const auto a = test_metrics(one.out), b = test_metrics(two.out);
    ASSERT_FALSE(a.empty()) << one.out;
    ASSERT_EQ(a.size(), b.size()) << two.out;
    for (const auto& [key, value] : a) EXPECT_NEAR(b.at(key), value, 1e-3) << key;
    // Rank 0 speaks for the run: one header, and it names the ranks.
    EXPECT_EQ(two.out.find("\"event\":\"run\""), two.out.rfind("\"event\":\"run\"")) << two.out;
    EXPECT_NE(two.out.find("\"ranks\":2"), std::string::npos) << two.out;
  }
}

TEST_F(CliDistributed, CommandsThatDoNotTrainOverRanksRefuseToStart) {
  const CliResult r = run("summary " + path("none.safetensors"), deepfin::testing::mpirun_prefix());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("deepfin summary runs on one process"), std::string::npos) << r.err;
}

TEST_F(CliDistributed, AnErrorOnTheRanksEndsTheRunWithOneMessagePerRank) {
  std::string job = credit_job();
  job.replace(job.find("epochs = 8"), 10, "epochs = 8\nbatch_size_typo = 3");
  const CliResult r = run("train " + write("bad.toml", job), deepfin::testing::mpirun_prefix());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("(rank 0 of 2)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("batch_size_typo"), std::string::npos) << r.err;
}

}  // namespace
