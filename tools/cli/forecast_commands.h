#pragma once
// The forecasting subcommand body shared by `train` (one fit) and `backtest` (walk-forward).
#include <cstdint>

#include "job_file.h"
#include "run_context.h"

namespace deepfin::cli {

int run_forecast(const RunContext& ctx, const JobSpec& job, uint64_t seed, bool walk_forward);

}  // namespace deepfin::cli
