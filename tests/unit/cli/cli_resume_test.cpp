// A real training process killed with SIGKILL at a random moment, then
// `deepfin train --resume`, ends with weights bit-identical to a run that was
// never stopped: on one process, and on two ranks where one rank is killed
// (mpirun then ends the other within seconds, saying which rank died).
#include <gtest/gtest.h>

#include <random>

#include "deepfin/deepfin.h"
#include "mpi_fixture.h"

namespace {

namespace fs = std::filesystem;
using deepfin::testing::CliResult;

class CliResume : public deepfin::testing::CliFixture {
 protected:
  std::string job(const std::string& model, bool checkpoints) {
    const std::string csv = deepfin::testing::credit_csv(500, 4);
    // Dropout draws random numbers at every step: they too must go on where they were.
    return "seed = 3\n[data]\nsource = \"csv\"\npath = \"" + write("credit.csv", csv) +
           "\"\ntarget = \"status\"\npositive_label = \"bad\"\n[model]\nclass_name = \"Sequential\"\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 16, activation = \"relu\" }\n"
           "[[model.config.layers]]\nclass_name = \"Dropout\"\nconfig = { rate = 0.2 }\n"
           "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 1, activation = \"sigmoid\" }\n"
           "[compile]\noptimizer = { class_name = \"Adam\", config = { learning_rate = 0.005 } }\n"
           "loss = \"binary_crossentropy\"\nmetrics = [\"auc\"]\n[fit]\nepochs = 150\nbatch_size = 8\nverbose = 0\n"
           "[output]\nmodel = \"" +
           path(model) + "\"\nhistory_csv = \"" + path(model + ".csv") + "\"\n" +
           (checkpoints ? "[checkpoint]\ndirectory = \"" + path("ckpt") + "\"\nevery_steps = 10\nkeep = 3\n" : "");
  }

  static void expect_same_weights(const std::string& a, const std::string& b) {
    const auto wa = deepfin::load_model(a)->get_weights(), wb = deepfin::load_model(b)->get_weights();
    ASSERT_EQ(wa.size(), wb.size());
    for (size_t i = 0; i < wa.size(); ++i)
      EXPECT_EQ(wa[i].to_vector<float>(), wb[i].to_vector<float>()) << "weight " << i << " differs";
  }

  // Starts training, waits for the first checkpoint, then after a random pause
  // SIGKILLs the process (or, with ranks, one rank); returns mpirun's or the
  // process's wait status.
  int train_and_kill(const std::string& job_file, const std::string& prefix, bool kill_a_rank) {
    std::random_device device;
    const unsigned seed = device();
    std::mt19937 gen(seed);
    const int pause_ms = static_cast<int>(gen() % 250);
    SCOPED_TRACE("pause " + std::to_string(pause_ms) + " ms (seed " + std::to_string(seed) + ")");
    const pid_t pid = deepfin::testing::spawn(prefix + deepfin::testing::cli_path() + " train " + job_file,
                                              path("killed.out"), path("killed.err"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int early = 0;
    while (deepfin::train::list_checkpoints(path("ckpt")).empty() && std::chrono::steady_clock::now() < until) {
      if (::waitpid(pid, &early, WNOHANG) == pid) {
        ADD_FAILURE() << "training ended before its first checkpoint: " << deepfin::testing::slurp(path("killed.err"));
        return early;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    pid_t victim = pid;
    if (kill_a_rank) {
      const auto ranks = deepfin::testing::children_of(pid);
      EXPECT_EQ(ranks.size(), 2u);
      if (!ranks.empty()) victim = ranks[gen() % ranks.size()];
    }
    ::kill(victim, SIGKILL);
    const int status = deepfin::testing::wait_for(pid, 60);
    EXPECT_NE(status, -1) << "the run did not end within 60 s of the kill";
    if (status == -1) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
    return status;
  }
};

TEST_F(CliResume, AProcessKilledAndResumedEndsBitIdentical) {
  const CliResult whole =
      run("train " + write("whole.toml", job("whole.safetensors", false)), deepfin::testing::one_process_prefix());
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::string job_file = write("job.toml", job("resumed.safetensors", true));
  const int status = train_and_kill(job_file, deepfin::testing::one_process_prefix(), false);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the kill came after training ended";
  EXPECT_FALSE(fs::exists(path("resumed.safetensors")));
  const CliResult resumed = run("train " + job_file + " --resume", deepfin::testing::one_process_prefix());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming from"), std::string::npos) << resumed.err;
  expect_same_weights(path("whole.safetensors"), path("resumed.safetensors"));
  EXPECT_EQ(deepfin::testing::slurp(path("whole.safetensors.csv")),
            deepfin::testing::slurp(path("resumed.safetensors.csv")));
}

TEST_F(CliResume, ARankKilledEndsTheRunAndTheResumedRunEndsBitIdentical) {
  const std::string two = deepfin::testing::mpirun_prefix();
  const CliResult whole = run("train " + write("whole.toml", job("whole.safetensors", false)), two);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::string job_file = write("job.toml", job("resumed.safetensors", true));
  const auto killed_at = std::chrono::steady_clock::now();
  const int status = train_and_kill(job_file, two, true);
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, std::chrono::seconds(90));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "mpirun ends the run with an error";
  const std::string err = deepfin::testing::slurp(path("killed.err"));
  EXPECT_NE(err.find("signal 9"), std::string::npos) << err;
  const CliResult resumed = run("train " + job_file + " --resume", two);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_weights(path("whole.safetensors"), path("resumed.safetensors"));
}

TEST_F(CliResume, ResumeWithoutACheckpointTableIsAnError) {
  const CliResult r = run("train " + write("job.toml", job("m.safetensors", false)) + " --resume");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--resume needs a [checkpoint] table"), std::string::npos) << r.err;
}

}  // namespace
