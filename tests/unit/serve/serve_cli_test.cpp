// `deepfin serve` as a real process: it logs JSON lines with no bodies, and on
// SIGTERM it answers the request in flight, then exits 0; bad arguments get one line.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "serve_fixture.h"

extern char** environ;

namespace {

using deepfin::testing::HttpReply;

class ServeCli : public deepfin::testing::ServeFixture {
 protected:
  // Starts `deepfin serve ARGS --port 0` with stderr to serve.log; returns its pid and the port it logged.
  std::pair<pid_t, int> spawn_server(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {deepfin::testing::cli_path(), "serve", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 2, path("serve.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, raw[0], &files, nullptr, raw.data(), environ), 0);
    posix_spawn_file_actions_destroy(&files);
    for (int i = 0; i < 600; ++i) {  // up to a minute, for the sanitizer builds
      const std::string log = deepfin::testing::slurp(path("serve.log"));
      const auto at = log.find("\"event\":\"listening\"");
      if (at != std::string::npos) {
        const auto line_start = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
        const auto line = nlohmann::json::parse(log.substr(line_start, log.find('\n', at) - line_start));
        return {pid, line.at("port").get<int>()};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the server never logged that it listens: " << deepfin::testing::slurp(path("serve.log"));
    return {pid, -1};
  }
};

TEST_F(ServeCli, SigtermDrainsTheRequestInFlightThenExits) {
  const std::string model = credit_model();
  // A one-row request waits up to 1.5 s for a second row, so it is in flight when SIGTERM comes.
  const auto [pid, port] = spawn_server({model, "--max-batch", "2", "--max-delay-us", "1500000"});
  ASSERT_GT(port, 0);
  nlohmann::json rows = nlohmann::json::array();
  rows.push_back({{"income", 0.25}, {"debt", 0.5}, {"purpose", "car"}});
  HttpReply slow;
  std::chrono::steady_clock::time_point answered;
  std::thread client([&, port = port] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    slow = reply(c.Post("/v1/models/credit:predict", nlohmann::json{{"instances", rows}}.dump(), "application/json"));
    answered = std::chrono::steady_clock::now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  client.join();
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(slow.status, 200) << slow.text;
  EXPECT_EQ(slow.body.at("predictions").size(), 1u);
  EXPECT_GT(answered, signalled);  // the request really was in flight when the signal came
  const std::string log = deepfin::testing::slurp(path("serve.log"));
  EXPECT_NE(log.find("\"event\":\"draining\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"stopped\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"status\":200"), std::string::npos) << log;
  EXPECT_EQ(log.find("income"), std::string::npos) << "a request body reached the log: " << log;
  // Nothing listens any more.
  httplib::Client after("127.0.0.1", port);
  EXPECT_FALSE(after.Get("/healthz"));
}

TEST_F(ServeCli, BadArgumentsGetOneLineAndNoServer) {
  const auto missing = run("serve " + path("nothing_here"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("deepfin: error: serve: " + path("nothing_here") + " does not exist"), std::string::npos)
      << missing.err;
  const auto junk = run("serve " + write("junk.safetensors", "junk"));
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.err.find("junk.safetensors"), std::string::npos) << junk.err;
  const auto tls = run("serve " + credit_model() + " --tls-cert " + path("c.pem"));
  EXPECT_EQ(tls.exit_code, 1);
  EXPECT_NE(tls.err.find("TLS needs both --tls-cert and --tls-key"), std::string::npos) << tls.err;
}

}  // namespace
