// A credit model behind a real server on a loopback port: answers equal `deepfin
// explain` and `deepfin predict` on the same rows; the model's description
// carries its schema, held-out metrics and version; requests are batched.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"
#include "serve_fixture.h"

namespace {

using deepfin::testing::HttpReply;

class ServeCredit : public deepfin::testing::ServeFixture {
 protected:
  // The first `n` rows of a fresh applicants file, as CSV (with status) and as JSON.
  std::pair<std::string, nlohmann::json> rows(int n) {
    std::istringstream csv(credit_csv(n, 29));
    std::string line, text;
    std::getline(csv, line);
    text = line + "\n";
    nlohmann::json instances = nlohmann::json::array();
    while (std::getline(csv, line)) {
      text += line + "\n";
      std::vector<std::string> cells;
      std::stringstream cells_in(line);
      for (std::string c; std::getline(cells_in, c, ',');) cells.push_back(c);
      // The cells as the file has them ("0.768360"), so the reasons quote them alike.
      instances.push_back({{"income", cells[0].empty() ? nlohmann::json(nullptr) : nlohmann::json(cells[0])},
                           {"debt", cells[1]},
                           {"purpose", cells[2]}});
    }
    return {write("rows.csv", text), instances};
  }
};

TEST_F(ServeCredit, AnswersEqualExplainAndPredictOnTheSameRows) {
  const std::string model = credit_model();
  const auto [csv, instances] = rows(12);
  start({.models = {model}});

  const HttpReply explained = post("/v1/models/credit:predict", nlohmann::json{{"instances", instances}}.dump());
  ASSERT_EQ(explained.status, 200) << explained.text;
  const auto cli = run("explain " + model + " " + csv + " --format json");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto expected = nlohmann::json::parse(cli.out).at("rows");
  const auto& got = explained.body.at("predictions");
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].at("probability").get<double>(), expected[i].at("probability").get<double>(), 1e-9) << i;
    EXPECT_EQ(got[i].at("decision"), expected[i].at("decision")) << i;
    EXPECT_NEAR(got[i].at("points").get<double>(), expected[i].at("points").get<double>(), 1e-6) << i;
    ASSERT_EQ(got[i].at("reasons").size(), expected[i].at("reasons").size()) << i;
    for (size_t k = 0; k < got[i].at("reasons").size(); ++k) {
      EXPECT_EQ(got[i]["reasons"][k].at("reason"), expected[i]["reasons"][k].at("reason"));
      EXPECT_NEAR(got[i]["reasons"][k].at("log_odds_contribution").get<double>(),
                  expected[i]["reasons"][k].at("log_odds_contribution").get<double>(), 1e-9);
    }
  }

  const HttpReply scored =
      post("/v1/models/credit:predict", nlohmann::json{{"instances", instances}, {"explain", false}}.dump());
  ASSERT_EQ(scored.status, 200) << scored.text;
  const auto predicted = run("predict " + model + " " + csv);
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  std::istringstream scores(predicted.out);  // row,line,probability,decision,points
  std::string line;
  std::getline(scores, line);
  for (size_t i = 0; std::getline(scores, line); ++i) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    const auto& p = scored.body.at("predictions").at(i);
    EXPECT_NEAR(p.at("probability").get<double>(), std::stod(cells[2]), 1e-6) << line;
    EXPECT_EQ(p.at("decision"), cells[3]) << line;
    EXPECT_FALSE(p.contains("reasons"));
  }
}

TEST_F(ServeCredit, OneApplicantMayComeAloneAndUnseenCategoriesAreNamed) {
  start({.models = {credit_model()}});
  const HttpReply r =
      post("/v1/models/credit:predict", R"({"instances": {"income": 0.5, "debt": "1.25", "purpose": "yacht"}})");
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body.at("predictions").size(), 1u);
  EXPECT_EQ(r.body["predictions"][0].at("unseen_categories"), nlohmann::json::array({"purpose"}));
  EXPECT_EQ(r.body.at("model"), "credit");
  EXPECT_FALSE(r.body.at("version").get<std::string>().empty());
}

TEST_F(ServeCredit, DescribesTheModelWithSchemaMetricsAndVersion) {
  start({.models = {credit_model()}});
  const HttpReply list = get("/v1/models");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.at("models").size(), 1u);
  EXPECT_EQ(list.body["models"][0].at("kind"), "credit");
  const HttpReply one = get("/v1/models/credit");
  ASSERT_EQ(one.status, 200) << one.text;
  const auto& columns = one.body.at("schema").at("input").at("columns");
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[2].at("name"), "purpose");
  EXPECT_EQ(columns[2].at("kind"), "categorical");
  EXPECT_EQ(one.body.at("training").at("on"), "held-out test split");
  EXPECT_GT(one.body.at("training").at("metrics").at("auc").get<double>(), 0.5);
  EXPECT_TRUE(one.body.at("privacy").is_null());
  EXPECT_EQ(one.body.at("sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(one.body.at("version"), one.body.at("sha256").get<std::string>().substr(0, 12));
  // The example it advertises is accepted as it is.
  EXPECT_EQ(post("/v1/models/credit:predict", one.body.at("example").dump()).status, 200);
}

TEST_F(ServeCredit, ADifferentiallyPrivateModelStatesItsGuarantee) {
  start({.models = {credit_model("private", 3, 3, "[privacy]\nepsilon = 2.0\nsecure_rng = false\n")}});
  const HttpReply one = get("/v1/models/private");
  ASSERT_EQ(one.status, 200) << one.text;
  const auto& privacy = one.body.at("privacy");
  ASSERT_TRUE(privacy.is_object()) << one.text;
  EXPECT_LE(privacy.at("epsilon").get<double>(), 2.0 + 1e-9);
  EXPECT_NE(privacy.at("description").get<std::string>().find("epsilon = "), std::string::npos) << privacy;
}

TEST_F(ServeCredit, ConcurrentRequestsAreBatchedAndSplitBack) {
  const auto [csv, instances] = rows(4);
  start({.models = {credit_model()}, .batch = {.max_batch = 4, .max_delay_us = 2'000'000, .max_queue = 16}});
  std::vector<HttpReply> replies(4);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < 4; ++i)
    clients.emplace_back([&, i] {
      replies[i] =
          post("/v1/models/credit:predict", nlohmann::json{{"instances", {instances[i]}}, {"explain", false}}.dump());
    });
  for (auto& t : clients) t.join();
  const HttpReply all =
      post("/v1/models/credit:predict", nlohmann::json{{"instances", instances}, {"explain", false}}.dump());
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(replies[i].status, 200) << replies[i].text;
    EXPECT_NEAR(replies[i].body["predictions"][0].at("probability").get<double>(),
                all.body["predictions"][i].at("probability").get<double>(), 1e-6);
  }
  // The four single rows came as one batch of 4 (well before the 2 s delay), then the 4-row request alone.
  const std::string metrics = get("/metrics").text;
  EXPECT_NE(metrics.find("deepfin_batch_size_rows_count{model=\"credit\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deepfin_batch_size_rows_bucket{model=\"credit\",le=\"2\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deepfin_requests_total{model=\"credit\",status=\"200\"} 5"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deepfin_queue_depth{model=\"credit\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deepfin_request_duration_seconds_count{model=\"credit\"} 5"), std::string::npos) << metrics;
}

TEST_F(ServeCredit, BatchOneScoringReachesTheSystemAllocatorForNoTensor) {
  const auto scorer = deepfin::serve::load_scorer(credit_model());
  const auto request = scorer->parse(
      nlohmann::json::parse(R"({"instances": [{"income": 0.1, "debt": 0.2, "purpose": "tv"}], "explain": false})"));
  for (int i = 0; i < 3; ++i) scorer->score({request.get()});  // warm the caching allocator
  const uint64_t before = deepfin::CachingAllocator::instance().stats().system_allocations;
  for (int i = 0; i < 200; ++i) scorer->score({request.get()});
  EXPECT_EQ(deepfin::CachingAllocator::instance().stats().system_allocations, before);
}

}  // namespace

namespace deepfin::serve {
namespace {

// --decision-log: every decision the server makes is one audit line with the keyed id; a
// request without the id is refused; the check of a model before it goes live is no decision.
TEST_F(ServeCredit, TheDecisionLogRecordsEachServedDecisionByKeyedId) {
  const std::string model = credit_model();
  write("log.key", "a-key-of-at-least-sixteen-chars\n");
  start({.models = {model},
         .decision_log = {.path = path("decisions.jsonl"), .key_file = path("log.key"), .id_column = "id"}});
  EXPECT_EQ(io::read_file(path("decisions.jsonl")), "");  // the self-check is not logged
  const HttpReply r = post("/v1/models/credit:predict",
                           R"({"instances": [{"id": "A-1", "income": 0.5, "debt": 1, "purpose": "car"},
                                             {"id": 7, "income": 2, "debt": 0, "purpose": "car"}], "explain": false})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_FALSE(r.body["predictions"][0].contains("reasons"));  // explain: false still answers without them
  const std::string log = io::read_file(path("decisions.jsonl"));
  ASSERT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
  const nlohmann::json first = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(first.at("applicant"), io::hmac_sha256_hex("a-key-of-at-least-sixteen-chars", "A-1"));
  EXPECT_EQ(first.at("decision"), r.body["predictions"][0].at("decision"));
  EXPECT_EQ(log.find("car"), std::string::npos);
  const HttpReply missing =
      post("/v1/models/credit:predict", R"({"instances": [{"income": 0.5, "debt": 1, "purpose": "car"}]})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_NE(missing.text.find("instances[0].id"), std::string::npos) << missing.text;
}

}  // namespace
}  // namespace deepfin::serve
