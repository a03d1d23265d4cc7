#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/nn/layers/pooling.h"

namespace deepfin::nn {

Pooling2D::Pooling2D(const char* class_name, std::array<int64_t, 2> pool_size, const Pooling2DOptions& options)
    : Layer(class_name, common_options(options)), padding_(options.padding) {
  strides_ = options.strides;
  for (int i = 0; i < 2; ++i) {
    if (strides_[i] == 0) strides_[i] = pool_size[i];
    if (pool_size[i] <= 0 || strides_[i] <= 0)
      throw ValueError(fmt::format("{} '{}': pool_size and strides must be positive, got pool_size ({}, {})",
                                   class_name, name(), pool_size[0], pool_size[1]));
  }
  op_options_ = {.pool_size = pool_size, .strides = strides_, .padding = padding_from_name(options.padding)};
}

std::array<int64_t, 2> Pooling2D::pool_size_from(const nlohmann::json& c) {
  return config::value(c, "pool_size", std::array<int64_t, 2>{2, 2}, "pooling layer");
}

Pooling2DOptions Pooling2D::options_from(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return {.strides = config::value(c, "strides", std::array<int64_t, 2>{0, 0}, "pooling layer"),
          .padding = config::value(c, "padding", std::string("valid"), "pooling layer"),
          .name = common.name,
          .input_shape = common.input_shape,
          .dtype = common.dtype,
          .trainable = common.trainable};
}

Shape Pooling2D::compute_output_shape(const Shape& in) const {
  if (in.size() != 3)
    throw ShapeError(fmt::format("{} '{}': expected input shape (H, W, C) without batch axis, got {}", class_name(),
                                 name(), shape_str(in)));
  Shape out(3);
  for (int i = 0; i < 2; ++i) {
    out[i] = conv_output_size(in[i], op_options_.pool_size[i], strides_[i], 1, op_options_.padding);
    if (out[i] <= 0)
      throw ShapeError(fmt::format("{} '{}': input shape {} is smaller than pool_size ({}, {})", class_name(), name(),
                                   shape_str(in), op_options_.pool_size[0], op_options_.pool_size[1]));
  }
  out[2] = in[2];
  return out;
}

nlohmann::json Pooling2D::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["pool_size"] = op_options_.pool_size;
  c["strides"] = strides_;
  c["padding"] = padding_;
  return c;
}

}  // namespace deepfin::nn
