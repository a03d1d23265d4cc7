// deepfin summary MODEL: the Keras-style layer table of a saved model.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/models/model.h"
#include "deepfin/privacy/privacy_options.h"

namespace deepfin::cli {

Command add_summary_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("summary", "print the layer table of a saved model");
  auto path = std::make_shared<std::string>();
  sub->add_option("model", *path, "model file (.safetensors)")->required();
  return {sub, [&ctx, path] {
            (void)ctx;
            auto model = models::load_model(*path);
            fmt::print("{}\n", model->summary());
            // A model trained with DP-SGD says what it promises.
            if (const auto g = model->attachment("privacy"); !g.is_null())
              fmt::print("Privacy: {}\n", privacy::describe(privacy::guarantee_from_json(g)));
            return 0;
          }};
}

}  // namespace deepfin::cli
