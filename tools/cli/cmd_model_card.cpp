// deepfin model-card MODEL [-o FILE]: the model card (model_card.md) that `deepfin
// report` wrote, again, from what the model file records.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/tasks/saved_model_card.h"

namespace deepfin::cli {
namespace {

int run_model_card(const std::string& model_path, const std::string& output) {
  const std::string text = tasks::saved_model_card(model_path);
  if (output.empty()) {
    fmt::print("{}", text);
  } else {
    io::write_output_file(output, text);
  }
  return 0;
}

}  // namespace

Command add_model_card_command(CLI::App& app, const RunContext&) {
  auto* sub = app.add_subcommand("model-card", "write the model card a credit report saved in a model file");
  auto model = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  sub->add_option("model", *model, "model file (.safetensors) saved by deepfin report")->required();
  sub->add_option("-o,--output", *output, "write the Markdown here instead of stdout");
  return {sub, [model, output] { return run_model_card(*model, *output); }};
}

}  // namespace deepfin::cli
