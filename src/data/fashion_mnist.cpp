#include "deepfin/data/fashion_mnist.h"

#include <fmt/format.h>

#include <filesystem>

#include "deepfin/data/categorical.h"
#include "deepfin/io/idx.h"

namespace deepfin::data {
namespace {

constexpr int64_t kNumClasses = 10;

std::string require_file(const std::string& dir, const char* name) {
  const std::filesystem::path path = std::filesystem::path(dir) / name;
  std::error_code ec;
  const bool dir_ok = std::filesystem::is_directory(dir, ec);
  const std::string missing = dir_ok ? path.string() : dir;
  if (!dir_ok || !std::filesystem::is_regular_file(path, ec))
    throw NotFoundError(
        fmt::format("Fashion-MNIST not found at {}: install the Debian package dataset-fashion-mnist "
                    "(apt-get install dataset-fashion-mnist)",
                    missing));
  return path.string();
}

std::pair<Tensor, Tensor> load_part(const FashionMnistOptions& o, const char* images_file, const char* labels_file,
                                    int64_t limit) {
  const std::string images_path = require_file(o.dir, images_file);
  const std::string labels_path = require_file(o.dir, labels_file);
  if (limit < -1) throw ValueError(fmt::format("load_fashion_mnist: limit must be >= 0 or -1, got {}", limit));
  Tensor images = io::load_idx(images_path, DType::float32, limit);
  Tensor labels = io::load_idx(labels_path, DType::int64, limit);
  if (images.dim() != 3 || labels.dim() != 1 || images.size(0) != labels.size(0))
    throw FileError(fmt::format("{} {} and {} {} are not a matching image/label pair", images_path,
                                shape_str(images.shape()), labels_path, shape_str(labels.shape())));
  const Shape nhwc = {images.size(0), images.size(1), images.size(2), 1};
  images = images.reshape(nhwc);
  if (o.normalize) {
    float* p = images.data<float>();
    for (int64_t i = 0, n = images.numel(); i < n; ++i) p[i] = p[i] / 255.0f;
  }
  if (o.one_hot) labels = to_categorical(labels, kNumClasses);
  return {images, labels};
}

}  // namespace

Dataset load_fashion_mnist(const FashionMnistOptions& options) {
  auto [x_train, y_train] =
      load_part(options, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", options.limit_train);
  auto [x_test, y_test] =
      load_part(options, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", options.limit_test);
  return {x_train, y_train, x_test, y_test};
}

}  // namespace deepfin::data
