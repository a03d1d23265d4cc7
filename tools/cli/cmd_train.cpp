// deepfin train JOB.toml: load the data, build and compile the model, fit it,
// save it, then predict the test set and report its metrics.
#include <fmt/format.h>

#include "commands.h"
#include "dataset_source.h"
#include "deepfin/io/npy.h"
#include "deepfin/metrics/accuracy.h"
#include "deepfin/models/model.h"
#include "fit_options.h"
#include "forecast_commands.h"
#include "job_file.h"
#include "json_logger.h"
#include "model_builder.h"
#include "output_paths.h"
#include "tabular_commands.h"
#include "text_commands.h"

namespace deepfin::cli {
namespace {

// Accuracy of the predictions, chosen by Keras's rule (categorical, sparse or binary).
double predict_accuracy(const Tensor& probs, const Tensor& y) {
  metrics::Accuracy accuracy(metrics::AccuracyKind::automatic);
  accuracy.update_state(y, probs);
  return accuracy.result();
}

int run_train(const RunContext& ctx, const std::string& job_path) {
  const JobSpec job = load_job_file(job_path);
  prepare_job_outputs(job, job.data.series() || job.data.text());  // a tabular train writes no report
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  if (job.data.tabular()) return run_train_tabular(ctx, job, seed);
  if (job.data.series()) return run_forecast(ctx, job, seed, false);
  if (job.data.text()) return run_train_text(ctx, job, seed);

  const data::Dataset data = load_job_data(job.data, seed);
  print_event(ctx,
              fmt::format("data: {} train {}, test {}", job.data.source, shape_str(data.x_train.shape()),
                          shape_str(data.x_test.shape())),
              nlohmann::json{{"event", "data"},
                             {"source", job.data.source},
                             {"train", data.x_train.shape()},
                             {"test", data.x_test.shape()}});

  auto model = model_from_json(job.model);
  model->compile(compile_options_from_json(job.compile));
  if (!model->built()) model->build(Shape(data.x_train.shape().begin() + 1, data.x_train.shape().end()));
  if (!ctx.json()) fmt::print("{}\n", model->summary());

  models::FitOptions fit = fit_options_from_json(job.fit, data, job.output.history_csv);
  if (ctx.json()) {
    fit.verbose = 0;
    fit.callbacks.push_back(std::make_shared<JsonEpochLogger>());
  }
  for (const auto& path : {job.output.model, job.output.predictions, job.output.history_csv})
    if (!path.empty()) create_parent_dir(path);
  model->fit(data.x_train, data.y_train, fit);

  if (!job.output.model.empty()) {
    model->save(job.output.model);
    print_event(ctx, "saved model to " + job.output.model,
                nlohmann::json{{"event", "saved"}, {"path", job.output.model}});
  }
  const train::Logs test_logs = model->evaluate(data.x_test, data.y_test, 256);
  const Tensor probs = model->predict(data.x_test, 256);
  if (!job.output.predictions.empty()) io::save_npy(job.output.predictions, probs);
  nlohmann::json report = {{"event", "test"}};
  std::string line = "test:";
  for (const auto& [key, value] : test_logs) {
    report[key] = value;
    line += fmt::format(" {} {:.4f}", key, value);
  }
  const double acc = predict_accuracy(probs, data.y_test);
  report["predict_accuracy"] = acc;
  line += fmt::format(" | test accuracy (predict) {:.4f}", acc);
  print_event(ctx, line, report);
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("train", "train the model a job file describes");
  auto job = std::make_shared<std::string>();
  sub->add_option("job", *job, "job file (TOML)")->required();
  return {sub, [&ctx, job] { return run_train(ctx, *job); }};
}

}  // namespace deepfin::cli
