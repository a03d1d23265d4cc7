// Every error a client can cause, through real HTTP: each status with a JSON
// message naming what and where, and the server answering normally afterwards.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "serve_fixture.h"

namespace {

using deepfin::testing::HttpReply;

class ServeErrors : public deepfin::testing::ServeFixture {};

void expect_error(const HttpReply& r, int status, const std::string& says) {
  EXPECT_EQ(r.status, status) << r.text;
  ASSERT_TRUE(r.body.is_object()) << r.text;
  EXPECT_EQ(r.body.at("status"), status);
  EXPECT_NE(r.body.at("error").get<std::string>().find(says), std::string::npos) << r.text;
}

TEST_F(ServeErrors, EachBadRequestGetsItsStatusAndAMessageNamingWhatAndWhere) {
  start({.models = {credit_model()}, .max_body_bytes = 4096});
  const std::string url = "/v1/models/credit:predict";
  expect_error(post(url, R"({"instances": [{"income": 1,)"), 400, "malformed JSON at byte 29");
  expect_error(post(url, R"([1, 2])"), 422, "field '(body)': expected a JSON object, got an array");
  expect_error(post(url, R"({"rows": []})"), 422, "missing field 'instances'");
  expect_error(post(url, R"({"instances": []})"), 422, "field 'instances': the list is empty");
  expect_error(post(url, R"({"instances": [{"income": 1, "purpose": "tv"}]})"), 422,
               "missing field 'instances[0].debt'");
  expect_error(post(url, R"({"instances": [{"income": 1, "debt": 2, "purpose": "tv"}, {"income": "lots", "debt": 2,
               "purpose": "tv"}]})"),
               422, "field 'instances[1].income': expected a number (or null for missing), got a string");
  expect_error(post(url, R"({"instances": [{"income": 1, "debt": 2, "purpose": ["tv"]}]})"), 422,
               "field 'instances[0].purpose': expected a string");
  expect_error(post(url, R"({"instances": [{"income": 1, "debt": 2, "purpose": "tv"}], "explain": "yes"})"), 422,
               "field 'explain': expected true or false, got a string");
  expect_error(post("/v1/models/nobody:predict", "{}"), 404, "no model named \"nobody\" (serving: credit)");
  expect_error(get("/v1/models/nobody"), 404, "no model named \"nobody\"");
  expect_error(get("/v2/anything"), 404, "no such endpoint");
  expect_error(post(url, std::string(5000, ' ')), 413, "larger than the server's limit of 4096 bytes");
  // And it still answers.
  EXPECT_EQ(post(url, R"({"instances": [{"income": 1, "debt": 2, "purpose": "tv"}]})").status, 200);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").body.at("status"), "ready");
  const std::string metrics = get("/metrics").text;
  EXPECT_NE(metrics.find("deepfin_requests_total{model=\"credit\",status=\"422\"} 7"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("deepfin_requests_total{model=\"credit\",status=\"400\"} 1"), std::string::npos) << metrics;
}

TEST_F(ServeErrors, BytesThatAreNotUtf8AreAnsweredNotFatal) {
  std::vector<nlohmann::json> lines;
  std::mutex lines_mutex;
  start({.models = {credit_model()}, .log = [&](const nlohmann::json& line) {
           std::lock_guard lock(lines_mutex);
           lines.push_back(line);
         }});
  // A path and a body with a lone 0xFF byte: the log line and the error message both carry it.
  expect_error(get("/v1/models/%FF"), 404, "no such endpoint");
  const HttpReply bad = post("/v1/models/credit:predict", "{\"instances\": \"\xff\"}");
  EXPECT_EQ(bad.status, 400) << bad.text;
  const HttpReply category =
      post("/v1/models/credit:predict", "{\"instances\": [{\"income\": 1, \"debt\": 2, \"purpose\": \"t\xffv\"}]}");
  EXPECT_EQ(category.status, 400) << category.text;  // nlohmann's parser refuses invalid UTF-8 in strings
  EXPECT_EQ(get("/healthz").status, 200);
  server_.reset();  // before `lines` goes: the server logs as it stops
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) EXPECT_NO_THROW(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST_F(ServeErrors, StopBeforeOrRightAfterStartNeitherHangsNorCrashes) {
  const std::string model = credit_model();
  {
    deepfin::serve::Server s({.models = {model}, .port = 0});
    s.stop();
    s.run();  // returns at once: stopped
    EXPECT_THROW(s.start(), deepfin::ConfigError);
  }
  for (int i = 0; i < 5; ++i) {
    deepfin::serve::Server s({.models = {model}, .port = 0, .reload_interval_s = 0.01});
    std::thread runner([&] { s.run(); });
    s.stop();  // may come before the listen loop runs: it must still end run()
    runner.join();
  }
}

TEST_F(ServeErrors, AFullQueueAnswers503WithRetryAfter) {
  // One request may wait; it holds its batch open for 1.5 s waiting for a second row.
  start({.models = {credit_model()}, .batch = {.max_batch = 2, .max_delay_us = 1'500'000, .max_queue = 1}});
  const std::string body = R"({"instances": [{"income": 1, "debt": 2, "purpose": "tv"}], "explain": false})";
  HttpReply first;
  std::thread waiting([&] { first = post("/v1/models/credit:predict", body); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const HttpReply second = post("/v1/models/credit:predict", body);
  waiting.join();
  expect_error(second, 503, "queue is full");
  EXPECT_EQ(second.headers.find("Retry-After")->second, "1");
  EXPECT_EQ(first.status, 200) << first.text;
}

TEST_F(ServeErrors, BearerTokensAreRequiredWhenConfiguredButNotByProbes) {
  const std::string token = "0123456789abcdef0123456789abcdef";
  start({.models = {credit_model()}, .token_file = write("token", token + "\n")});
  expect_error(get("/v1/models"), 401, "missing or wrong bearer token");
  expect_error(get("/v1/models", "0123456789abcdef0123456789abcdeX"), 401, "bearer token");
  expect_error(get("/metrics", "short"), 401, "bearer token");
  EXPECT_EQ(get("/v1/models", token).status, 200);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_THROW(deepfin::serve::BearerToken::from_file(write("weak", "abc\n")), deepfin::ConfigError);
}

TEST_F(ServeErrors, ASlowClientIsAnsweredAfterTheReadTimeout) {
  start({.models = {credit_model()}, .read_timeout_s = 0.3, .keep_alive_s = 30});
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval limit{10, 0};  // a server that never gives up fails the test instead of hanging it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "POST /v1/models/credit:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"in";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  const auto start = std::chrono::steady_clock::now();
  std::string answer;
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);  // blocks until the server gives up on the body
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  while (n > 0) {  // the rest of the answer, if it came in pieces
    answer.append(buf, static_cast<size_t>(n));
    if (answer.find('}') != std::string::npos) break;
    n = ::recv(fd, buf, sizeof buf, 0);
  }
  ::close(fd);
  EXPECT_GT(waited, 0.2);
  EXPECT_LT(waited, 5.0);  // the read timeout, not the 30 s keep-alive
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer;
  EXPECT_NE(answer.find("read timeout (0.3 s)"), std::string::npos) << answer;
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServeErrors, BadServerSettingsAreRefusedBeforeServing) {
  const std::string model = credit_model();
  using deepfin::ConfigError;
  using deepfin::serve::Server;
  EXPECT_THROW(Server({.models = {path("missing.safetensors")}, .port = 0}), ConfigError);
  EXPECT_THROW(Server({.models = {write("empty_dir_marker.txt", "x")}, .port = 0}), ConfigError);
  EXPECT_THROW(Server({.models = {model}, .port = 0, .batch = {.max_batch = 0}}), deepfin::ValueError);
  EXPECT_THROW(Server({.models = {model}, .port = 0, .tls_cert = "cert.pem"}), ConfigError);
  EXPECT_THROW(Server({.models = {write("junk.safetensors", "not a model")}, .port = 0}), deepfin::FileError);
  // Two servers on one port: the second says so.
  Server first({.models = {model}, .port = 0});
  try {
    Server second({.models = {model}, .port = first.port()});
    ADD_FAILURE() << "bound a port already in use";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
