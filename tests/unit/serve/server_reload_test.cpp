// Hot reload: a model file replaced while clients keep scoring is loaded,
// checked and swapped in with no failed request; a broken file leaves the
// old version live; versions in subfolders are served highest first.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "serve_fixture.h"

namespace {

namespace fs = std::filesystem;
using deepfin::testing::HttpReply;

class ServeReload : public deepfin::testing::ServeFixture {
 protected:
  // Replaces `to` the way a deploy should: a copy beside it, renamed over it.
  static void deploy(const std::string& from, const std::string& to) {
    fs::copy_file(from, to + ".tmp", fs::copy_options::overwrite_existing);
    fs::rename(to + ".tmp", to);
  }
  double probability() const {
    const HttpReply r = post("/v1/models/live:predict", kBody);
    EXPECT_EQ(r.status, 200) << r.text;
    return r.status == 200 ? r.body["predictions"][0].at("probability").get<double>() : -1;
  }
  static constexpr const char* kBody =
      R"({"instances": [{"income": -0.3, "debt": 0.9, "purpose": "education"}], "explain": false})";
};

TEST_F(ServeReload, AReplacedModelIsSwappedInUnderLoadWithNoFailedRequest) {
  const std::string a = credit_model("a", 3, 8), b = credit_model("b", 4, 2);
  fs::create_directories(path("models"));
  const std::string live = path("models/live.safetensors");
  deploy(a, live);
  start({.models = {path("models")}, .reload_interval_s = 0.05});
  const double pa = probability();
  const std::string version_a = get("/v1/models/live").body.at("version");

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&] {
      while (!stop) (post("/v1/models/live:predict", kBody).status == 200 ? ok : failed)++;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  deploy(b, live);
  double pb = pa;
  for (int i = 0; i < 100 && pb == pa; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pb = probability();
  }
  deploy(a, live);  // and back, still under load
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop = true;
  for (auto& t : clients) t.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 20);
  EXPECT_NE(pb, pa);  // model b answered once it was swapped in
  EXPECT_DOUBLE_EQ(probability(), pa);
  EXPECT_EQ(get("/v1/models/live").body.at("version"), version_a);
  const std::string metrics = get("/metrics").text;
  EXPECT_NE(metrics.find("deepfin_model_reloads_total{model=\"live\",result=\"ok\"} 2"), std::string::npos) << metrics;
}

TEST_F(ServeReload, ABrokenFileLeavesTheOldVersionLive) {
  fs::create_directories(path("models"));
  const std::string live = path("models/live.safetensors");
  deploy(credit_model("a"), live);
  start({.models = {path("models")}, .reload_interval_s = 0.05});
  const double before = probability();
  {
    std::ofstream(live + ".tmp") << "half a file";
    fs::rename(live + ".tmp", live);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_DOUBLE_EQ(probability(), before);
  const std::string metrics = get("/metrics").text;
  EXPECT_NE(metrics.find("deepfin_model_reloads_total{model=\"live\",result=\"failed\"} 1"), std::string::npos)
      << metrics;
}

TEST_F(ServeReload, VersionFoldersServeTheHighestVersionAndPickUpANewOne) {
  const std::string a = credit_model("a", 3, 8), b = credit_model("b", 4, 2);
  fs::create_directories(path("models/live/9"));
  deploy(a, path("models/live/9/model.safetensors"));
  deploy(b, path("models/live/2.safetensors"));
  start({.models = {path("models")}, .reload_interval_s = 0.05});
  EXPECT_EQ(get("/v1/models/live").body.at("version"), "9");
  fs::create_directories(path("models/live/10"));
  deploy(b, path("models/live/10/model.safetensors"));
  std::string version;
  for (int i = 0; i < 100 && version != "10"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    version = get("/v1/models/live").body.at("version");
  }
  EXPECT_EQ(version, "10");
  EXPECT_EQ(post("/v1/models/live:predict", kBody).body.at("version"), "10");
}

TEST_F(ServeReload, TwoModelsOfOneNameAreRefused) {
  const std::string a = credit_model("a");
  fs::create_directories(path("x"));
  fs::create_directories(path("y"));
  deploy(a, path("x/same.safetensors"));
  deploy(a, path("y/same.safetensors"));
  try {
    deepfin::serve::Server s({.models = {path("x"), path("y")}, .port = 0});
    ADD_FAILURE() << "served two models named same";
  } catch (const deepfin::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("two models are named \"same\""), std::string::npos) << e.what();
  }
}

}  // namespace
