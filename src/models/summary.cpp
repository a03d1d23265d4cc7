// Model::summary: the Keras table of layers, output shapes and parameter counts.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

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
  // Keras's column widths, widened when a label or shape would run into the next column.
  struct Row {
    std::string label, shape, params;
  };
  std::vector<Row> rows;
  size_t name_w = 29, shape_w = 26;
  const size_t params_w = 15;
  for (const auto& layer : layers()) {
    if (layer->class_name() == "InputLayer") continue;  // Keras leaves the input out of the table
    Row r{fmt::format(" {} ({})", layer->name(), layer->class_name()),
          layer->built() ? batch_shape_str(layer->output_shape()) : "(unbuilt)",
          layer->built() ? with_commas(layer->count_params()) : "0 (unbuilt)"};
    name_w = std::max(name_w, r.label.size() + 2);
    shape_w = std::max(shape_w, r.shape.size() + 2);
    rows.push_back(std::move(r));
  }
  const std::string rule(name_w + shape_w + params_w, '_');
  const std::string double_rule(name_w + shape_w + params_w, '=');
  std::string out = fmt::format("Model: \"{}\"\n{}\n", name_, rule);
  out += fmt::format("{:<{}}{:<{}}{:<{}}\n{}\n", " Layer (type)", name_w, "Output Shape", shape_w, "Param #", params_w,
                     double_rule);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) out += "\n";
    out += fmt::format("{:<{}}{:<{}}{:<{}}\n", rows[i].label, name_w, rows[i].shape, shape_w, rows[i].params, params_w);
  }
  const int64_t total = count_params(), trainable = count_trainable_params();
  out += fmt::format("{}\nTotal params: {}\nTrainable params: {}\nNon-trainable params: {}\n{}\n", double_rule,
                     with_commas(total), with_commas(trainable), with_commas(total - trainable), rule);
  return out;
}

}  // namespace deepfin::models
