#include "deepfin/nn/layers/dropout.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/ops/dropout.h"

namespace deepfin::nn {

Dropout::Dropout(double rate, const LayerOptions& options) : Layer("Dropout", options), rate_(rate) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw ValueError(fmt::format("Dropout '{}': rate must be in [0, 1), got {}", name(), rate));
}

std::shared_ptr<Layer> Dropout::from_config(const nlohmann::json& c) {
  return std::make_shared<Dropout>(config::required<double>(c, "rate", "Dropout"), common_from_config(c));
}

nlohmann::json Dropout::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["rate"] = rate_;
  return c;
}

Tensor Dropout::forward(const Tensor& x, bool training) {
  if (!training || rate_ == 0.0) return x;
  return dropout(x, rate_, training);
}

}  // namespace deepfin::nn
