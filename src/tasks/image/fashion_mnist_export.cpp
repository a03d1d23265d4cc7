// Fashion-MNIST as the seed example's data.npy + labels.npy pair.
#include "deepfin/io/npy.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/ops/shape_ops.h"
#include "deepfin/tasks/image_task.h"

namespace deepfin::tasks {

std::pair<Shape, Shape> export_fashion_mnist(const std::string& dir, const data::FashionMnistOptions& options) {
  data::FashionMnistOptions o = options;
  o.one_hot = false;
  const data::Dataset d = data::load_fashion_mnist(o);
  io::create_output_dir(dir, "the export");
  const Tensor x = concat({d.x_train, d.x_test}, 0);
  const Tensor y = concat({d.y_train, d.y_test}, 0);
  io::save_npy(dir + "/data.npy", x);
  io::save_npy(dir + "/labels.npy", y);
  return {x.shape(), y.shape()};
}

}  // namespace deepfin::tasks
