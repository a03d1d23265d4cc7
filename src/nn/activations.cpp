#include "deepfin/nn/activations.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "deepfin/ops/activations.h"

namespace deepfin::activations {
namespace {

const std::map<std::string, Activation>& table() {
  static const std::map<std::string, Activation> t = {
      {"linear", [](const Tensor& x) { return x; }},
      {"relu", [](const Tensor& x) { return deepfin::relu(x); }},
      {"sigmoid", [](const Tensor& x) { return deepfin::sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return deepfin::tanh(x); }},
      {"softmax", [](const Tensor& x) { return deepfin::softmax(x, -1); }},
      {"gelu", [](const Tensor& x) { return deepfin::gelu(x); }},
      {"elu", [](const Tensor& x) { return deepfin::elu(x); }},
      // Keras's activations.leaky_relu uses negative_slope 0.2 (the LeakyReLU layer uses 0.3).
      {"leaky_relu", [](const Tensor& x) { return deepfin::leaky_relu(x, 0.2); }},
      {"softplus", [](const Tensor& x) { return deepfin::softplus(x); }},
  };
  return t;
}

}  // namespace

Activation get(const std::string& name) {
  if (name.empty()) return table().at("linear");
  auto it = table().find(name);
  if (it == table().end())
    throw ConfigError(fmt::format("unknown activation '{}'; known: {}", name, fmt::join(names(), ", ")));
  return it->second;
}

Tensor apply(const std::string& name, const Tensor& x) {
  return get(name)(x);
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [name, fn] : table()) out.push_back(name);
  return out;
}

}  // namespace deepfin::activations
