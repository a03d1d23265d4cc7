// deepfin train JOB.toml: the job's task fits its model, saves it, and reports
// the held-out metrics. Array jobs (images, .npy/.npz) are handled here; credit,
// text and forecasting jobs in their own files.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/base/error.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/privacy/privacy_options.h"
#include "deepfin/tasks/evaluation_record.h"
#include "deepfin/tasks/image_task.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/job_outputs.h"
#include "job_commands.h"
#include "json_logger.h"

namespace deepfin::cli {
namespace {

int train_arrays(const RunContext& ctx, const tasks::JobSpec& job, uint64_t seed) {
  const tasks::ImageTask task(job);
  const data::Dataset data = task.load_data(seed);
  print_event(ctx,
              fmt::format("data: {} train {}, test {}", job.data.source, shape_str(data.x_train.shape()),
                          shape_str(data.x_test.shape())),
              nlohmann::json{{"event", "data"},
                             {"source", job.data.source},
                             {"train", data.x_train.shape()},
                             {"test", data.x_test.shape()}});
  auto model = task.build_model(data);
  if (!ctx.json()) fmt::print("{}\n", model->summary());
  for (const auto& path : {job.output.model, job.output.predictions, job.output.history_csv})
    if (!path.empty()) io::create_parent_dir(path);
  std::vector<std::shared_ptr<train::Callback>> callbacks;
  if (ctx.json()) callbacks.push_back(std::make_shared<JsonEpochLogger>());  // instead of the progress bar
  task.fit(*model, data, callbacks, ctx.json() ? 0 : -1);
  print_privacy(ctx, *model);
  const tasks::ImageEvaluation test = task.evaluate(*model, data);
  std::map<std::string, double> test_metrics(test.logs.begin(), test.logs.end());
  tasks::record_evaluation(*model, "held-out test set", data.x_test.shape().at(0), test_metrics, job.data.source);
  save_job_model(ctx, job, [&](const std::string& path) { model->save(path); });
  if (!job.output.predictions.empty()) io::save_npy(job.output.predictions, test.probabilities);
  nlohmann::json report = {{"event", "test"}};
  std::string line = "test:";
  for (const auto& [key, value] : test.logs) {
    report[key] = value;
    line += fmt::format(" {} {:.4f}", key, value);
  }
  report["predict_accuracy"] = test.predict_accuracy;
  line += fmt::format(" | test accuracy (predict) {:.4f}", test.predict_accuracy);
  print_event(ctx, line, report);
  return 0;
}

int run_train(const RunContext& ctx, const std::string& job_path, bool resume) {
  tasks::JobSpec job = tasks::load_job_file(job_path);
  if (resume) {
    if (!job.fit.checkpoint)
      throw ConfigError(
          fmt::format("{}: --resume needs a [checkpoint] table in the job file, which says where the "
                      "checkpoints are",
                      job_path));
    job.fit.checkpoint->resume = true;
  }
  job = tasks::for_this_rank(std::move(job));
  tasks::prepare_job_outputs(job, job.data.series() || job.data.text());  // a credit train writes no report
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  if (job.data.tabular()) return train_credit(ctx, job, seed);
  if (job.data.series()) return run_forecast(ctx, job, seed, false);
  if (job.data.text()) return train_text(ctx, job, seed);
  return train_arrays(ctx, job, seed);
}

}  // namespace

tasks::Progress printer(const RunContext& ctx) {
  return [&ctx](const std::string& text, const nlohmann::json& event) { print_event(ctx, text, event); };
}

void save_job_model(const RunContext& ctx, const tasks::JobSpec& job,
                    const std::function<void(const std::string&)>& save, bool announce) {
  if (job.output.model.empty()) return;
  io::create_parent_dir(job.output.model);
  save(job.output.model);
  if (announce)
    print_event(ctx, "saved model to " + job.output.model,
                nlohmann::json{{"event", "saved"}, {"path", job.output.model}});
}

void print_privacy(const RunContext& ctx, const models::Model& trained) {
  const nlohmann::json g = trained.attachment("privacy");
  if (g.is_null()) return;
  nlohmann::json event = g;
  event["event"] = "privacy";
  print_event(ctx, "privacy: " + privacy::describe(privacy::guarantee_from_json(g)), event);
}

std::string floors_text(const tasks::JobSpec& job) {
  std::string out;
  for (const auto& [metric, unused] : job.floors.items())
    out += fmt::format("  floor {}: {}\n", metric, job.floor_of(metric));
  return out;
}

Command add_train_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("train", "train the model a job file describes");
  auto job = std::make_shared<std::string>();
  auto resume = std::make_shared<bool>(false);
  sub->add_option("job", *job, "job file (TOML)")->required();
  sub->add_flag("--resume", *resume,
                "go on from the newest valid checkpoint of the job's [checkpoint] directory (a fresh start if there "
                "is none)");
  return {sub, [&ctx, job, resume] { return run_train(ctx, *job, *resume); }};
}

}  // namespace deepfin::cli
