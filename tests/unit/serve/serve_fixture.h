#pragma once
// Test models of every kind (trained by the real CLI, or built in C++), a
// serve::Server on an ephemeral loopback port, and a real HTTP client for it.
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "deepfin/deepfin.h"
#include "unit/cli/cli_fixture.h"

namespace deepfin::testing {

struct HttpReply {
  int status = 0;
  nlohmann::json body;
  std::string text;
  httplib::Headers headers;
};

class ServeFixture : public CliFixture {
 protected:
  void TearDown() override {
    server_.reset();
    CliFixture::TearDown();
  }

  // Applicants with two numeric columns (one sometimes blank), a category and the label.
  std::string credit_csv(int rows, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    const char* purposes[] = {"car", "tv", "education"};
    std::string csv = "income,debt,purpose,status\n";
    for (int i = 0; i < rows; ++i) {
      const double income = normal(gen), debt = normal(gen);
      const int purpose = static_cast<int>(gen() % 3);
      const bool bad = debt - income + 0.6 * purpose + 0.5 * normal(gen) > 0.7;
      csv += (i % 17 == 5 ? std::string("") : std::to_string(income)) + "," + std::to_string(debt) + "," +
             purposes[purpose] + "," + (bad ? "bad" : "good") + "\n";
    }
    return csv;
  }
  // Trains a credit model with the CLI, as a user would; `name` is the file stem.
  // `extra` is appended to the job file (e.g. a [privacy] table).
  std::string credit_model(const std::string& name = "credit", unsigned seed = 3, int epochs = 8,
                           const std::string& extra = "") {
    const std::string job = "seed = " + std::to_string(seed) + "\n[data]\nsource = \"csv\"\npath = \"" +
                            write("credit.csv", credit_csv(400, 11)) +
                            "\"\ntarget = \"status\"\npositive_label = \"bad\"\n"
                            "[model]\nclass_name = \"Sequential\"\n"
                            "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 8, activation = "
                            "\"relu\" }\n[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, "
                            "activation = \"sigmoid\" }\n[compile]\noptimizer = { class_name = \"Adam\", config = { "
                            "learning_rate = 0.01 } }\nloss = \"binary_crossentropy\"\n[fit]\nepochs = " +
                            std::to_string(epochs) + "\nbatch_size = 32\nverbose = 0\n[output]\nmodel = \"" +
                            path(name + ".safetensors") + "\"\n" + extra;
    const CliResult r = run("train " + write(name + ".toml", job));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path(name + ".safetensors");
  }
  std::unique_ptr<serve::Server>& start(serve::ServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<serve::Server>(std::move(options));
    server_->start();
    return server_;
  }
  httplib::Client client(const std::string& token = "") const {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    if (!token.empty()) c.set_bearer_token_auth(token.c_str());
    return c;
  }
  static HttpReply reply(const httplib::Result& r) {
    HttpReply out;
    if (!r) return out;
    out.status = r->status;
    out.text = r->body;
    out.headers = r->headers;
    out.body = nlohmann::json::parse(r->body, nullptr, false);
    return out;
  }
  HttpReply post(const std::string& url, const std::string& body, const std::string& token = "") const {
    auto c = client(token);
    return reply(c.Post(url.c_str(), body, "application/json"));
  }
  HttpReply get(const std::string& url, const std::string& token = "") const {
    auto c = client(token);
    return reply(c.Get(url.c_str()));
  }

  std::unique_ptr<serve::Server> server_;
};

}  // namespace deepfin::testing
