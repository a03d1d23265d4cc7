// The deepfin command (cli_app.cpp has the subcommands and the error handling).
#include <csignal>

#include "cli_app.h"
#include "deepfin/base/threads.h"

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f) a write should fail with EFBIG and be reported,
  // not kill the process with SIGXFSZ halfway through a file.
  std::signal(SIGXFSZ, SIG_IGN);
  deepfin::use_passive_openmp_waiting(argv);
  return deepfin::cli::run_cli(argc, argv);
}
