#pragma once
// Running the deepfin command under mpirun, and in the background so that a
// test can kill it: shared by the distributed and resume CLI tests.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.h"

namespace deepfin::testing {

// Two ranks on this machine, one thread each; root may run mpirun only when told.
// Under the sanitizers, leaks are not checked in MPI runs: Open MPI keeps its
// plugins' state until exit, in modules it unloads before LeakSanitizer looks
// (so no suppression can name them). The single-process tests check deepfin's.
inline std::string mpirun_prefix(int ranks = 2) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 DEEPFIN_NUM_THREADS=1 "
         "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 mpirun -np " +
         std::to_string(ranks) + " --oversubscribe ";
}

// The same command on one process with one thread.
inline std::string one_process_prefix() {
  return "DEEPFIN_NUM_THREADS=1 ";
}

// A command (with leading VAR=value settings, as the prefixes above give)
// started in the background; exec'ed through env, so the pid is the command's.
inline pid_t spawn(const std::string& command, const std::string& out, const std::string& err) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string line = "exec env " + command + " >" + out + " 2>" + err;
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The processes whose parent is `parent` (mpirun's ranks).
inline std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// Applicants whose risk rises with debt, falls with income, and is higher for
// renters: a small credit CSV (income, debt, housing, status = bad | good).
inline std::string credit_csv(int rows, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const char* housing[] = {"own", "rent", "free"};
  std::string csv = "income,debt,housing,status\n";
  for (int i = 0; i < rows; ++i) {
    const double income = 50 + 15 * normal(gen), debt = 10 + 5 * normal(gen);
    const int h = static_cast<int>(gen() % 3);
    const double z = -0.08 * (income - 50) + 0.3 * (debt - 10) + (h == 1 ? 1.0 : 0.0) - 0.8;
    const bool bad = unit(gen) < 1.0 / (1.0 + std::exp(-z));
    csv += std::to_string(income) + "," + std::to_string(debt) + "," + housing[h] + "," + (bad ? "bad" : "good") + "\n";
  }
  return csv;
}

// Waits up to `seconds` for `pid` to end; its wait status, or -1 if it did not end.
inline int wait_for(pid_t pid, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

}  // namespace deepfin::testing
