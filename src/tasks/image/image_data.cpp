// The array task's data: Fashion-MNIST, or an .npy / .npz pair split with the seed.
#include <fmt/format.h>

#include "deepfin/data/categorical.h"
#include "deepfin/data/split.h"
#include "deepfin/io/npy.h"
#include "deepfin/tasks/image_task.h"

namespace deepfin::tasks {
namespace {

Tensor first_rows(const Tensor& t, int64_t limit) {
  if (limit < 0 || limit >= t.shape()[0]) return t;
  return t.slice(0, 0, limit).contiguous();
}

Tensor member(const std::map<std::string, Tensor>& archive, const std::string& name, const std::string& path) {
  auto it = archive.find(name);
  if (it == archive.end()) {
    std::string names;
    for (const auto& [k, v] : archive) names += (names.empty() ? "" : ", ") + k;
    throw ConfigError(fmt::format("{}: no array named '{}' (it has: {})", path, name, names));
  }
  return it->second;
}

}  // namespace

data::Dataset ImageTask::load_data(uint64_t seed) const {
  const DataSpec& spec = job_.data;
  if (spec.source == "fashion_mnist") {
    data::FashionMnistOptions options;
    if (!spec.path.empty()) options.dir = spec.path;
    options.one_hot = spec.one_hot;
    options.normalize = spec.normalize;
    options.limit_train = spec.limit_train;
    options.limit_test = spec.limit_test;
    return data::load_fashion_mnist(options);
  }
  Tensor x, y;
  if (spec.source == "npy") {
    x = io::load_npy(spec.x);
    y = io::load_npy(spec.y);
  } else {
    const auto archive = io::load_npz(spec.path);
    x = member(archive, spec.x, spec.path);
    y = member(archive, spec.y, spec.path);
  }
  if (x.dtype() == DType::int64) x = x.to(DType::float32);
  if (x.shape().empty() || y.shape().empty() || x.shape()[0] != y.shape()[0])
    throw ShapeError(fmt::format("data: x has shape {} but y has shape {}: they need the same number of samples",
                                 shape_str(x.shape()), shape_str(y.shape())));
  // Integer class labels become one-hot rows for categorical_crossentropy.
  if (spec.one_hot && y.dim() == 1 && y.dtype() == DType::int64) y = data::to_categorical(y);
  data::SplitOptions split;
  split.test_size = spec.test_split;
  split.seed = seed == 0 ? 1 : seed;
  split.stratify = spec.stratify;
  data::Split parts = data::train_test_split(x, y, split);
  return {first_rows(parts.x_train, spec.limit_train), first_rows(parts.y_train, spec.limit_train),
          first_rows(parts.x_test, spec.limit_test), first_rows(parts.y_test, spec.limit_test)};
}

}  // namespace deepfin::tasks
