#include "deepfin/nn/layers/reshape.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"

namespace deepfin::nn {

Reshape::Reshape(Shape target_shape, const LayerOptions& options)
    : Layer("Reshape", options), target_shape_(std::move(target_shape)) {
  int unknown = 0;
  for (int64_t d : target_shape_) {
    if (d == -1) ++unknown;
    if (d == 0 || d < -1 || unknown > 1)
      throw ValueError(fmt::format("Reshape '{}': target_shape {} must be positive with at most one -1", name(),
                                   shape_str(target_shape_)));
  }
}

std::shared_ptr<Layer> Reshape::from_config(const nlohmann::json& c) {
  return std::make_shared<Reshape>(config::required<Shape>(c, "target_shape", "Reshape"), common_from_config(c));
}

Shape Reshape::compute_output_shape(const Shape& in) const {
  const int64_t total = shape_numel(in);
  int64_t known = 1;
  for (int64_t d : target_shape_)
    if (d != -1) known *= d;
  Shape out = target_shape_;
  for (int64_t& d : out)
    if (d == -1) d = known > 0 ? total / known : 0;
  if (shape_numel(out) != total)
    throw ShapeError(fmt::format("Reshape '{}': cannot reshape input shape {} ({} elements) to target_shape {}", name(),
                                 shape_str(in), total, shape_str(target_shape_)));
  return out;
}

nlohmann::json Reshape::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["target_shape"] = target_shape_;
  return c;
}

Tensor Reshape::forward(const Tensor& x, bool /*training*/) {
  Shape shape = {x.size(0)};
  shape.insert(shape.end(), output_shape().begin(), output_shape().end());
  return x.reshape(shape);
}

}  // namespace deepfin::nn
