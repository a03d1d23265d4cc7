#pragma once
// --decision-log, --log-key-file and --id-column, shared by predict and explain.
#include <CLI/CLI.hpp>

#include "deepfin/tasks/decision_log.h"

namespace deepfin::cli {

void add_decision_log_options(CLI::App& sub, tasks::DecisionLogOptions& options);

}  // namespace deepfin::cli
