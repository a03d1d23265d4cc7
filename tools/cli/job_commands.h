#pragma once
// `deepfin train` runs every kind of job; these are its bodies per task, the
// forecasting one shared with `backtest`. Each prints what its task reports.
#include <cstdint>
#include <functional>
#include <string>

#include "deepfin/models/model.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"
#include "run_context.h"

namespace deepfin::cli {

int train_credit(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed);
int train_text(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed);
int run_forecast(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed, bool walk_forward);

// The task's progress events, printed as text or JSON.
tasks::Progress printer(const RunContext& ctx);
// The job's [output] model, when it names one: its folder made, `save(path)` run and,
// when `announce`, "saved model to ..." printed.
void save_job_model(const RunContext& ctx, const tasks::JobSpec& job,
                    const std::function<void(const std::string&)>& save, bool announce = true);
// The guarantee of a model trained with [privacy] ("privacy: (epsilon = ...)"); nothing otherwise.
void print_privacy(const RunContext& ctx, const models::Model& trained);
// "  floor <metric>: <text>" lines for the floors a job names.
std::string floors_text(const tasks::JobSpec& job);

}  // namespace deepfin::cli
