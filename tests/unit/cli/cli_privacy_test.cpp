// deepfin privacy (planning), a credit job with [privacy] through train and
// summary, deepfin audit-privacy, and the [privacy] mistakes a user can make.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "cli_fixture.h"

namespace {

class CliPrivacy : public deepfin::testing::CliFixture {
 protected:
  // Two numeric columns; the risk rises with the first.
  std::string credit_csv(int rows) {
    std::mt19937 gen(5);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::string csv = "a,b,status\n";
    for (int i = 0; i < rows; ++i) {
      const double a = normal(gen), b = normal(gen);
      const bool bad = a + 0.5 * normal(gen) > 0.8;
      csv += std::to_string(a) + "," + std::to_string(b) + "," + (bad ? "bad" : "good") + "\n";
    }
    return csv;
  }
  std::string job(const std::string& privacy) {
    return "seed = 3\n[data]\nsource = \"csv\"\npath = \"" + write("credit.csv", credit_csv(600)) +
           "\"\ntarget = \"status\"\npositive_label = \"bad\"\n"
           "[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 8, activation = \"relu\" }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, activation = \"sigmoid\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.01 } }\n"
           "loss = \"binary_crossentropy\"\nmetrics = [\"auc\"]\n[fit]\nepochs = 5\nbatch_size = 60\nverbose = 0\n"
           "[output]\nmodel = \"" +
           path("model.safetensors") + "\"\n[privacy]\n" + privacy;
  }
};

TEST_F(CliPrivacy, PlansEpsilonFromNoiseAndNoiseFromEpsilon) {
  const auto r = run("privacy --noise-multiplier 1.5 --sample-rate 0.04 --steps 2250 --delta 1e-5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("epsilon 7.32911 at delta 1e-05"), std::string::npos) << r.out;  // Opacus's published value
  const auto back = run("--log-format json privacy --epsilon 7.32911117143 --sample-rate 0.04 --steps 2250");
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const auto event = nlohmann::json::parse(back.out.substr(back.out.rfind('{')));
  EXPECT_NEAR(event.at("noise_multiplier").get<double>(), 1.5, 1.5e-4);
  EXPECT_LE(event.at("epsilon").get<double>(), 7.32911117143);
}

TEST_F(CliPrivacy, ThePrvAccountantGivesASmallerEpsilon) {
  const auto r = run("--log-format json privacy --noise-multiplier 2 --sample-rate 0.1 --steps 300 --accountant prv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto event = nlohmann::json::parse(r.out.substr(r.out.rfind('{')));
  EXPECT_EQ(event.at("accountant"), "prv");
  EXPECT_LT(event.at("epsilon").get<double>(), 4.56428414);  // the RDP accountant's epsilon for this plan
  EXPECT_GT(event.at("epsilon").get<double>(), 3.5);
  EXPECT_GT(event.at("slack").get<double>(), 0.0);
}

TEST_F(CliPrivacy, PlanningMistakesAreNamed) {
  auto fails = [&](const std::string& args, const std::string& needle) {
    const auto r = run("privacy " + args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.err.find(needle), std::string::npos) << args << " -> " << r.err;
  };
  fails("--sample-rate 0.01 --steps 10", "exactly one of --noise-multiplier");
  fails("--noise-multiplier 1 --epsilon 2 --sample-rate 0.01 --steps 10", "exactly one of --noise-multiplier");
  fails("--epsilon -1 --sample-rate 0.01 --steps 10", "epsilon must be a positive number");
  fails("--noise-multiplier 0 --sample-rate 0.01 --steps 10", "noise multiplier must be a positive number");
  fails("--noise-multiplier 1 --sample-rate 1.5 --steps 10", "sampling rate must lie in (0, 1]");
  fails("--noise-multiplier 1 --sample-rate 0.1 --steps 10 --delta 1", "delta must lie in (0, 1)");
  fails("--noise-multiplier 1 --sample-rate 0.1 --steps 0", "--steps must be >= 1");
  fails("--noise-multiplier 1 --sample-rate 0.1 --steps 10 --accountant gdp", "--accountant must be rdp or prv");
}

TEST_F(CliPrivacy, TrainRecordsTheGuaranteeAndSummaryShowsIt) {
  const auto r = run("train " + write("job.toml", job("epsilon = 2.0\n")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("privacy: (epsilon = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CSPRNG (OpenSSL) noise"), std::string::npos) << r.out;  // the default source
  const auto s = run("summary " + path("model.safetensors"));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("Privacy: (epsilon = 2, delta = 1e-05)"), std::string::npos) << s.out;
}

TEST_F(CliPrivacy, AuditComparesTheAttackWithAndWithoutDp) {
  const auto r =
      run("--log-format json audit-privacy " + write("job.toml", job("epsilon = 1.0\nsecure_rng = false\n")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto event = nlohmann::json::parse(r.out.substr(r.out.rfind("{\"event\":\"audit\"")));
  for (const char* side : {"without_dp", "with_dp"}) {
    const double auc = event.at(side).at("attack_auc").get<double>();
    EXPECT_GT(auc, 0.3) << side;
    EXPECT_LT(auc, 0.7) << side;
  }
  EXPECT_FALSE(event.at("without_dp").contains("guarantee"));
  EXPECT_LE(event.at("with_dp").at("guarantee").at("epsilon").get<double>(), 1.0);
  EXPECT_FALSE(std::filesystem::exists(path("model.safetensors")));  // an audit saves no model
}

TEST_F(CliPrivacy, BadPrivacyTablesStopBeforeTrainingAndSaveNothing) {
  for (const std::string& table :
       {std::string("epsilon = 0\n"), std::string("noise_multiplier = -1\n"), std::string("epsilon = 1\ndelta = 2\n"),
        std::string("epsilon = 1\nmax_grad_norm = 0\n"), std::string("epsilon = 1\nsampling = \"batch\"\n")}) {
    const auto r = run("train " + write("job.toml", job(table)));
    EXPECT_NE(r.exit_code, 0) << table;
    EXPECT_NE(r.err.find("[privacy]"), std::string::npos) << table << " -> " << r.err;
    EXPECT_FALSE(std::filesystem::exists(path("model.safetensors"))) << table;
  }
}

TEST_F(CliPrivacy, ALayerThatMixesExamplesIsRefusedWithTheAlternative) {
  std::string text = job("epsilon = 1.0\n");
  const std::string dense = "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1,";
  text.insert(text.find(dense), "[[model.config.layers]]\nclass_name = \"BatchNormalization\"\nconfig = {}\n");
  const auto r = run("train " + write("job.toml", text));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Use LayerNormalization instead"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path("model.safetensors")));
}

}  // namespace
