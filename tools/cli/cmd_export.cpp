// deepfin export-fashion-mnist DIR: writes data.npy (70,000 x 28 x 28 x 1
// float32 in [0, 1]) and labels.npy (int64 class ids), the plain pair the
// seed example starts from.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/tasks/image_task.h"

namespace deepfin::cli {

Command add_export_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("export-fashion-mnist", "write Fashion-MNIST as data.npy + labels.npy");
  auto dir = std::make_shared<std::string>();
  sub->add_option("dir", *dir, "output directory")->required();
  return {sub, [&ctx, dir] {
            (void)ctx;
            const auto [x, y] = tasks::export_fashion_mnist(*dir);
            fmt::print("wrote {}/data.npy {} and {}/labels.npy {}\n", *dir, shape_str(x), *dir, shape_str(y));
            return 0;
          }};
}

}  // namespace deepfin::cli
