#pragma once
// The whole deepfin command as a function, so that other front doors (the Python
// module's deepfin.run) run a job exactly as `deepfin train JOB` does, in-process.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::cli {

struct Embedding {
  // Receives every event a command reports (the text line and its JSON form)
  // instead of stdout; empty: the command prints them.
  std::function<void(const std::string& text, const nlohmann::json& event)> on_event{};
  // Let deepfin::Error and other exceptions reach the caller instead of being
  // printed as one "deepfin: error: ..." line and turned into exit code 1.
  bool rethrow_errors = false;
};

// Parses argv (argv[0] is the program name) and runs the chosen subcommand.
// Returns the exit code: 0 success, 1 a deepfin error, 2 a usage error, 3 an internal error.
int run_cli(int argc, const char* const* argv, const Embedding& embedding = {});

}  // namespace deepfin::cli
