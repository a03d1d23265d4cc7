#include "deepfin/nn/layers/activation.h"

#include "deepfin/base/config.h"

namespace deepfin::nn {

Activation::Activation(const std::string& activation, const LayerOptions& options) : Layer("Activation", options) {
  set_activation(activation);
}

std::shared_ptr<Layer> Activation::from_config(const nlohmann::json& c) {
  return std::make_shared<Activation>(config::required<std::string>(c, "activation", "Activation"),
                                      common_from_config(c));
}

nlohmann::json Activation::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["activation"] = activation();
  return c;
}

}  // namespace deepfin::nn
