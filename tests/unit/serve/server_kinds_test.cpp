// Text, forecast and plain array models behind the server answer what the CLI
// and the C++ API answer for the same inputs, and check their inputs by field.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "serve_fixture.h"

namespace {

using deepfin::testing::HttpReply;

class ServeKinds : public deepfin::testing::ServeFixture {};

TEST_F(ServeKinds, TextModelsAnswerLabelConfidenceAndRouting) {
  std::string csv = "text,category\n";
  for (int i = 0; i < 30; ++i)
    csv += "i lost my card today " + std::to_string(i % 3) + ",lost_card\nwhat is my account balance " +
           std::to_string(i % 4) + ",balance\n";
  const std::string job =
      "seed = 2\n[data]\nsource = \"text\"\ntrain = \"" + write("t.csv", csv) +
      "\"\ntext_column = \"text\"\nlabel_column = \"category\"\n[text]\nvocab_size = 100\nmin_frequency = 1\n"
      "max_length = 8\nconfidence_threshold = 0.8\n[model]\nclass_name = \"Sequential\"\n"
      "[[model.config.layers]]\nclass_name = \"Embedding\"\nconfig = { input_dim = 0, output_dim = 8, mask_zero = true "
      "}\n[[model.config.layers]]\nclass_name = \"GlobalAveragePooling1D\"\nconfig = {}\n"
      "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 0, activation = \"softmax\" }\n"
      "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.05 } }\n"
      "loss = \"sparse_categorical_crossentropy\"\n[fit]\nepochs = 10\nverbose = 0\n[output]\nmodel = \"" +
      path("intents.safetensors") + "\"\nreport = \"" + path("report") + "\"\n";
  const auto trained = run("train " + write("text.toml", job));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  start({.models = {path("intents.safetensors")}});
  const HttpReply r = post("/v1/models/intents:predict", R"({"text": ["i lost my card", "account balance please"]})");
  ASSERT_EQ(r.status, 200) << r.text;
  const auto cli = run("--log-format json predict " + path("intents.safetensors") +
                       " --text \"i lost my card\" --text \"account balance please\"");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto expected = nlohmann::json::parse(cli.out.substr(cli.out.rfind("{\"event\""))).at("predictions");
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.body["predictions"][i].at("label"), expected[i].at("label"));
    EXPECT_NEAR(r.body["predictions"][i].at("confidence").get<double>(), expected[i].at("confidence").get<double>(),
                1e-6);
    EXPECT_EQ(r.body["predictions"][i].at("to_person"), expected[i].at("to_person"));
  }
  EXPECT_EQ(post("/v1/models/intents:predict", R"({"text": "lost card"})").body.at("predictions").size(), 1u);
  const HttpReply bad = post("/v1/models/intents:predict", R"({"text": ["ok", 7]})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.text.find("field 'text[1]': expected a string, got a number"), std::string::npos) << bad.text;
  EXPECT_EQ(get("/v1/models/intents").body.at("schema").at("labels"), nlohmann::json({"balance", "lost_card"}));
}

TEST_F(ServeKinds, ForecastModelsTakeTheRecentRowsAndAnswerTheNextMove) {
  std::string csv = "date,close\n";
  nlohmann::json rows = nlohmann::json::array();
  double p = 100;
  for (int i = 0; i < 160; ++i) {
    p *= std::exp(0.01 * std::sin(i * 0.7) + 0.0005);
    char date[32];
    std::snprintf(date, sizeof date, "2021-%02d-%02d", 1 + i / 28, 1 + i % 28);
    csv += std::string(date) + "," + std::to_string(p) + "\n";
    if (i >= 120) rows.push_back({{"date", date}, {"close", std::stod(std::to_string(p))}});
  }
  const std::string job = "seed = 1\n[data]\nsource = \"series\"\npath = \"" + write("p.csv", csv) +
                          "\"\ntarget = \"close\"\n[features]\nrolling_mean = [3]\n[window]\nsequence_length = 8\n"
                          "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"LSTM\"\n"
                          "config = { units = 4 }\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units "
                          "= 1 }\n[compile]\nloss = \"mse\"\noptimizer = \"adam\"\n[fit]\nepochs = 2\nverbose = 0\n"
                          "[backtest]\ntest_fraction = 0.25\n[output]\nreport = \"" +
                          path("report") + "\"\nmodel = \"" + path("spx.safetensors") + "\"\n";
  const auto trained = run("train " + write("f.toml", job));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  start({.models = {path("spx.safetensors")}});
  const HttpReply r = post("/v1/models/spx:predict", nlohmann::json{{"rows", rows}}.dump());
  ASSERT_EQ(r.status, 200) << r.text;
  // The same rows through the C++ API.
  const auto forecaster = deepfin::tasks::SavedForecaster::load(path("spx.safetensors"));
  std::string recent = "date,close\n";
  for (const auto& row : rows) recent += row["date"].get<std::string>() + "," + row["close"].dump() + "\n";
  const auto expected = forecaster.next(forecaster.read(write("recent.csv", recent)));
  const auto& got = r.body.at("predictions").at(0);
  EXPECT_NEAR(got.at("log_return").get<double>(), expected.log_return, 1e-9);
  EXPECT_NEAR(got.at("price").get<double>(), expected.price, 1e-6);
  EXPECT_EQ(got.at("after"), expected.after);

  const HttpReply few = post("/v1/models/spx:predict", nlohmann::json{{"rows", {rows[0], rows[1]}}}.dump());
  EXPECT_EQ(few.status, 422);
  EXPECT_NE(few.text.find("rows are too few"), std::string::npos) << few.text;
  nlohmann::json shuffled = rows;
  std::swap(shuffled[3], shuffled[4]);
  const HttpReply disorder = post("/v1/models/spx:predict", nlohmann::json{{"rows", shuffled}}.dump());
  EXPECT_EQ(disorder.status, 422);
  EXPECT_NE(disorder.text.find("field 'rows': request:"), std::string::npos) << disorder.text;
  const HttpReply mistyped = post("/v1/models/spx:predict", R"({"rows": [{"date": "2021-01-01", "close": "high"}]})");
  EXPECT_EQ(mistyped.status, 422);
}

TEST_F(ServeKinds, VarianceModelsAnswerTheNextVariance) {
  std::string csv = "date,close\n";
  nlohmann::json rows = nlohmann::json::array();
  double p = 100;
  for (int i = 0; i < 300; ++i) {
    p *= std::exp(0.01 * std::sin(i * 0.7) * (1 + (i / 40) % 2));
    char date[32];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2021 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
    csv += std::string(date) + "," + std::to_string(p) + "\n";
    rows.push_back({{"date", date}, {"close", std::stod(std::to_string(p))}});
  }
  const std::string job = "seed = 1\n[data]\nsource = \"series\"\npath = \"" + write("p.csv", csv) +
                          "\"\ntarget = \"close\"\n[window]\nsequence_length = 8\ntarget = \"variance\"\n"
                          "[model]\nclass_name = \"Sequential\"\n[[model.config.layers]]\nclass_name = \"LSTM\"\n"
                          "config = { units = 4 }\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units "
                          "= 1 }\n[compile]\nloss = \"qlike\"\noptimizer = \"adam\"\n[fit]\nepochs = 2\nverbose = 0\n"
                          "[backtest]\ntest_fraction = 0.25\n[output]\nreport = \"" +
                          path("report") + "\"\nmodel = \"" + path("vol.safetensors") + "\"\n";
  const auto trained = run("train " + write("v.toml", job));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  start({.models = {path("vol.safetensors")}});
  const HttpReply r = post("/v1/models/vol:predict", nlohmann::json{{"rows", rows}}.dump());
  ASSERT_EQ(r.status, 200) << r.text;
  const auto forecaster = deepfin::tasks::SavedForecaster::load(path("vol.safetensors"));
  const auto expected = forecaster.next(forecaster.read(path("p.csv")));
  const auto& got = r.body.at("predictions").at(0);
  EXPECT_NEAR(got.at("variance").get<double>(), expected.variance, 1e-12);
  EXPECT_NEAR(got.at("volatility").get<double>(), std::sqrt(expected.variance), 1e-12);
  EXPECT_NEAR(got.at("ewma_variance").get<double>(), expected.ewma_variance, 1e-12);
  EXPECT_NEAR(got.at("garch_variance").get<double>(), expected.garch_variance, 1e-12);
  EXPECT_NEAR(got.at("combination_variance").get<double>(), expected.combination_variance, 1e-12);
  EXPECT_FALSE(got.contains("price"));
  EXPECT_TRUE(get("/v1/models/vol").body.at("schema").at("output").contains("variance"));
  EXPECT_TRUE(get("/v1/models/vol").body.at("schema").at("output").contains("combination_variance"));
}

TEST_F(ServeKinds, ArrayModelsTakeNestedArraysInTheirInputShape) {
  auto model = std::make_shared<deepfin::models::Sequential>();
  model->add(std::make_shared<deepfin::nn::Dense>(3, deepfin::nn::DenseOptions{.activation = "softmax"}));
  model->build({2, 2});
  model->save(path("grid.safetensors"));
  start({.models = {path("grid.safetensors")}});
  const HttpReply r = post("/v1/models/grid:predict", R"({"instances": [[[1, 2], [3, 4]], [[0, 0], [0, 1]]]})");
  ASSERT_EQ(r.status, 200) << r.text;
  const deepfin::Tensor expected =
      model->predict(deepfin::from_vector(std::vector<float>{1, 2, 3, 4, 0, 0, 0, 1}, {2, 2, 2}));
  const auto values = expected.to_vector<float>();
  for (size_t i = 0; i < 2; ++i)
    for (size_t j = 0; j < 2; ++j)
      for (size_t k = 0; k < 3; ++k)
        EXPECT_NEAR(r.body["predictions"][i][j][k].get<double>(), values[i * 6 + j * 3 + k], 1e-6);
  const HttpReply bad = post("/v1/models/grid:predict", R"({"instances": [[[1, 2], [3]]]})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.text.find("field 'instances[0][1]': expected 2 values (input shape (2, 2)), got 1"), std::string::npos)
      << bad.text;
  EXPECT_EQ(get("/v1/models/grid").body.at("kind"), "array");
}

}  // namespace
