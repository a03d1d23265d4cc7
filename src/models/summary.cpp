// Model::summary: the Keras table of layers, output shapes and parameter counts.
#include <fmt/format.h>

#include "deepfin/models/model.h"

namespace deepfin::models {
namespace {

// 54410 -> "54,410"
std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// (None, 26, 26, 32): the batch axis is unknown, as Keras prints it.
std::string batch_shape_str(const Shape& shape) {
  std::string s = "(None";
  for (int64_t d : shape) s += fmt::format(", {}", d);
  return s + ")";
}

}  // namespace

std::string Model::summary() const {
  constexpr int kName = 29, kShape = 26, kParams = 15;
  const std::string rule(kName + kShape + kParams, '_');
  const std::string double_rule(kName + kShape + kParams, '=');
  std::string out = fmt::format("Model: \"{}\"\n{}\n", name_, rule);
  out += fmt::format("{:<{}}{:<{}}{:<{}}\n{}\n", " Layer (type)", kName, "Output Shape", kShape, "Param #", kParams,
                     double_rule);
  bool first = true;
  for (const auto& layer : layers()) {
    if (layer->class_name() == "InputLayer") continue;  // Keras leaves the input out of the table
    if (!first) out += "\n";
    first = false;
    const std::string label = fmt::format(" {} ({})", layer->name(), layer->class_name());
    const std::string shape = layer->built() ? batch_shape_str(layer->output_shape()) : "(unbuilt)";
    out += fmt::format("{:<{}}{:<{}}{:<{}}\n", label, kName, shape, kShape,
                       layer->built() ? with_commas(layer->count_params()) : "0 (unbuilt)", kParams);
  }
  const int64_t total = count_params(), trainable = count_trainable_params();
  out += fmt::format("{}\nTotal params: {}\nTrainable params: {}\nNon-trainable params: {}\n{}\n", double_rule,
                     with_commas(total), with_commas(trainable), with_commas(total - trainable), rule);
  return out;
}

}  // namespace deepfin::models
