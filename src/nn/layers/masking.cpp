#include "deepfin/nn/layers/masking.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"

namespace deepfin::nn {

Masking::Masking(double mask_value, const MaskingOptions& options)
    : Layer("Masking", common_options(options)), mask_value_(mask_value) {}

std::shared_ptr<Layer> Masking::from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  return std::make_shared<Masking>(config::value(c, "mask_value", 0.0, "Masking"),
                                   MaskingOptions{.name = common.name,
                                                  .input_shape = common.input_shape,
                                                  .dtype = common.dtype,
                                                  .trainable = common.trainable});
}

nlohmann::json Masking::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["mask_value"] = mask_value_;
  return c;
}

Shape Masking::compute_output_shape(const Shape& in) const {
  if (in.size() != 2)
    throw ShapeError(fmt::format("Masking '{}': expected input shape (steps, features) without batch axis, got {}",
                                 name(), shape_str(in)));
  return in;
}

Tensor Masking::keep_mask(const Tensor& x) const {
  const int64_t rows = x.size(0) * x.size(1), features = x.size(2);
  const std::vector<double> v = x.detach().to_vector<double>();
  std::vector<double> keep(static_cast<size_t>(rows), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t f = 0; f < features; ++f)
      if (v[static_cast<size_t>(r * features + f)] != mask_value_) {
        keep[static_cast<size_t>(r)] = 1.0;
        break;
      }
  return from_vector(keep, {x.size(0), x.size(1)}).to(x.dtype());
}

Tensor Masking::compute_mask(const Tensor& x, const Tensor& /*mask*/) const {
  return keep_mask(x);
}

Tensor Masking::forward(const Tensor& x, bool /*training*/) {
  return mul(x, keep_mask(x).unsqueeze(2));  // masked steps become zeros, with no gradient through them
}

}  // namespace deepfin::nn
