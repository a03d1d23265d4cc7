// deepfin evaluate MODEL DATA: the compiled loss and metrics of a saved model
// on labelled data (an .npz holding arrays x and y).
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/data/categorical.h"
#include "deepfin/io/npy.h"
#include "deepfin/models/model.h"

namespace deepfin::cli {
namespace {

int run_evaluate(const RunContext& ctx, const std::string& model_path, const std::string& data_path,
                 int64_t batch_size) {
  ctx.apply();
  auto model = models::load_model(model_path);
  if (!model->compiled())
    throw ConfigError(
        fmt::format("{}: the model was saved without compile settings, so it has no loss to evaluate", model_path));
  const auto arrays = io::load_npz(data_path);
  auto x = arrays.find("x"), y = arrays.find("y");
  if (x == arrays.end() || y == arrays.end())
    throw ConfigError(fmt::format("{}: expected arrays named 'x' and 'y'", data_path));
  Tensor labels = y->second;
  // Integer class ids against a softmax output: one-hot them, as train does.
  if (labels.dtype() == DType::int64 && labels.dim() == 1 && model->output_shape().size() == 1 &&
      model->output_shape()[0] > 1)
    labels = data::to_categorical(labels, model->output_shape()[0]);
  Tensor inputs = x->second.dtype() == DType::int64 ? x->second.to(DType::float32) : x->second;
  const train::Logs logs = model->evaluate(inputs, labels, batch_size);
  nlohmann::json j = {{"event", "evaluate"}};
  std::string line;
  for (const auto& [key, value] : logs) {
    j[key] = value;
    line += fmt::format("{}{}: {:.4f}", line.empty() ? "" : " - ", key, value);
  }
  print_event(ctx, line, j);
  return 0;
}

}  // namespace

Command add_evaluate_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("evaluate", "loss and metrics of a saved model on an .npz with arrays x and y");
  struct Args {
    std::string model, data;
    int64_t batch_size = 256;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("model", args->model, "model file (.safetensors)")->required();
  sub->add_option("data", args->data, "labelled data (.npz with x and y)")->required();
  sub->add_option("--batch-size", args->batch_size, "samples per batch")->check(CLI::PositiveNumber);
  return {sub, [&ctx, args] { return run_evaluate(ctx, args->model, args->data, args->batch_size); }};
}

}  // namespace deepfin::cli
