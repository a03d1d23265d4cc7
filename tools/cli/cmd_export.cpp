// deepfin export-fashion-mnist DIR: writes data.npy (70,000 x 28 x 28 x 1
// float32 in [0, 1]) and labels.npy (int64 class ids), the plain pair the
// seed example starts from.
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/data/fashion_mnist.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::cli {

Command add_export_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("export-fashion-mnist", "write Fashion-MNIST as data.npy + labels.npy");
  auto dir = std::make_shared<std::string>();
  sub->add_option("dir", *dir, "output directory")->required();
  return {sub, [&ctx, dir] {
            (void)ctx;
            data::FashionMnistOptions options;
            options.one_hot = false;
            const data::Dataset d = data::load_fashion_mnist(options);
            io::create_output_dir(*dir, "the export");
            const Tensor x = concat({d.x_train, d.x_test}, 0);
            const Tensor y = concat({d.y_train, d.y_test}, 0);
            io::save_npy(*dir + "/data.npy", x);
            io::save_npy(*dir + "/labels.npy", y);
            fmt::print("wrote {}/data.npy {} and {}/labels.npy {}\n", *dir, shape_str(x.shape()), *dir,
                       shape_str(y.shape()));
            return 0;
          }};
}

}  // namespace deepfin::cli
