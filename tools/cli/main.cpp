// The deepfin command (cli_app.cpp has the subcommands and the error handling).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "cli_app.h"
#include "deepfin/base/threads.h"
#include "deepfin/train/mpi_session.h"

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f) a write should fail with EFBIG and be reported,
  // not kill the process with SIGXFSZ halfway through a file.
  std::signal(SIGXFSZ, SIG_IGN);
  deepfin::use_passive_openmp_waiting(argv);
  // Started by mpirun: one rank of a data-parallel run. Rank 0 speaks for the
  // run; the others print nothing but errors (and write no files: cmd_train.cpp).
  std::unique_ptr<deepfin::train::MpiSession> session;
  try {
    session = std::make_unique<deepfin::train::MpiSession>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "deepfin: error: an MPI launcher started this process, but MPI did not start: %s\n", e.what());
    return 1;
  }
  const deepfin::train::MpiSession& mpi = *session;
  if (mpi.active() && mpi.communicator()->rank() != 0 && !std::freopen("/dev/null", "w", stdout)) std::fclose(stdout);
  return deepfin::cli::run_cli(argc, argv);
}
