#pragma once
// A test fixture that runs the deepfin binary in a private temporary directory:
// run() returns the exit code with stdout and stderr kept apart; write() and
// path() place files there. Shared by the tabular, forecasting and text CLI tests.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "testing/paths.h"

namespace deepfin::testing {

struct CliResult {
  int exit_code;
  std::string out;  // stdout only
  std::string err;  // stderr only
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("deepfin_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `shell_prefix` runs before the command in the same shell: "ulimit -f 16; ", or
  // as_unprivileged() to run as a user without root's exemption from file permissions.
  CliResult run(const std::string& args, const std::string& shell_prefix = "") {
    const std::string err_path = (dir_ / "stderr.txt").string();
    FILE* pipe = popen((shell_prefix + deepfin::testing::cli_path() + " " + args + " 2>" + err_path).c_str(), "r");
    std::string out;
    std::array<char, 4096> buf{};
    while (pipe && fgets(buf.data(), buf.size(), pipe)) out += buf.data();
    const int status = pipe ? pclose(pipe) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, slurp(err_path)};
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // A prefix that runs the command as "nobody" when the tests run as root (root reads
  // and writes whatever the permission bits say), so permission errors can be tested.
  static std::string as_unprivileged() {
    return ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  }

  std::filesystem::path dir_;
};

}  // namespace deepfin::testing
