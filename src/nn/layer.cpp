#include "deepfin/nn/layer.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <map>
#include <mutex>

#include "deepfin/base/config.h"
#include "deepfin/nn/activations.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/nn/weight_budget.h"

namespace deepfin::nn {
namespace {

std::mutex& name_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, int>& name_counters() {
  static std::map<std::string, int> counters;
  return counters;
}

}  // namespace

bool relu_moves_past_pool(const Layer& layer, const Layer& next) {
  return layer.activation() == "relu" && next.class_name() == "MaxPooling2D" && next.activation() == "linear";
}

std::string to_snake_case(const std::string& class_name) {
  std::string out;
  for (size_t i = 0; i < class_name.size(); ++i) {
    const char c = class_name[i];
    const bool upper = std::isupper(static_cast<unsigned char>(c));
    // A new word starts at an upper-case letter after a lower-case one, or
    // before a lower-case one inside an acronym ("GRUCell" -> "gru_cell").
    if (upper && i > 0) {
      const char prev = class_name[i - 1];
      const bool next_lower = i + 1 < class_name.size() && std::islower(static_cast<unsigned char>(class_name[i + 1]));
      if (std::islower(static_cast<unsigned char>(prev)) ||
          (std::isupper(static_cast<unsigned char>(prev)) && next_lower))
        out += '_';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string unique_name(const std::string& base) {
  std::lock_guard<std::mutex> lock(name_mutex());
  int& count = name_counters()[base];
  const std::string name = count == 0 ? base : fmt::format("{}_{}", base, count);
  ++count;
  return name;
}

void clear_session() {
  std::lock_guard<std::mutex> lock(name_mutex());
  name_counters().clear();
}

void assign_values(const Tensor& dst, const Tensor& src) {
  if (dst.shape() != src.shape())
    throw ShapeError(fmt::format("assign_values: destination shape {} vs source shape {}", shape_str(dst.shape()),
                                 shape_str(src.shape())));
  if (!dst.is_contiguous()) throw ValueError("assign_values: destination must be contiguous");
  const Tensor converted = src.dtype() == dst.dtype() ? src.detach().contiguous() : src.detach().to(dst.dtype());
  std::memmove(dst.raw_data(), converted.raw_data(), static_cast<size_t>(dst.numel()) * dtype_size(dst.dtype()));
}

nlohmann::json serialize(const Layer& layer) {
  return {{"class_name", layer.class_name()}, {"config", layer.get_config()}};
}

Layer::Layer(std::string class_name, const LayerOptions& options)
    : class_name_(std::move(class_name)),
      name_(options.name.empty() ? unique_name(to_snake_case(class_name_)) : options.name),
      dtype_(options.dtype),
      trainable_(options.trainable),
      declared_input_shape_(options.input_shape) {
  if (!is_floating(dtype_))
    throw DTypeError(
        fmt::format("{} '{}': layer dtype must be float32 or float64, got {}", class_name_, name_, dtype_name(dtype_)));
  check_shape_valid(declared_input_shape_, class_name_.c_str());
}

void Layer::build(const Shape& input_shape) {
  if (built_) {
    if (input_shape != input_shape_ && variable_steps() && input_shape.size() == input_shape_.size()) {
      output_shape_ = compute_output_shape(input_shape);  // validates the new length
      input_shape_ = input_shape;
      return;
    }
    if (input_shape != input_shape_)
      throw ShapeError(fmt::format("{} '{}': built for input shape {} but got {}", class_name_, name_,
                                   shape_str(input_shape_), shape_str(input_shape)));
    return;
  }
  check_shape_valid(input_shape, class_name_.c_str());
  output_shape_ = compute_output_shape(input_shape);  // validates the shape first
  build_weights(input_shape);
  input_shape_ = input_shape;
  built_ = true;
}

void Layer::check_input(const Tensor& x) {
  if (x.dim() < 1)
    throw ShapeError(
        fmt::format("{} '{}': input needs a batch axis, got shape {}", class_name_, name_, shape_str(x.shape())));
  if (!is_floating(x.dtype()))
    throw DTypeError(
        fmt::format("{} '{}': input must be floating point, got {}", class_name_, name_, dtype_name(x.dtype())));
  const Shape sample(x.shape().begin() + 1, x.shape().end());
  if (!built_) {
    build(sample);
  } else if (sample != input_shape_ && variable_steps() && sample.size() == input_shape_.size()) {
    compute_output_shape(sample);  // any length the layer accepts
  } else if (sample != input_shape_) {
    throw ShapeError(fmt::format("{} '{}': expected input shape {} (without batch axis) but got {}", class_name_, name_,
                                 shape_str(input_shape_), shape_str(sample)));
  }
}

Tensor Layer::call_without_activation(const Tensor& x, bool training) {
  check_input(x);
  return forward(x, training);
}

Tensor Layer::call(const Tensor& x, bool training) {
  Tensor y = call_without_activation(x, training);
  return activation_ == "linear" ? y : activations::apply(activation_, y);
}

Tensor Layer::call_masked(const Tensor& x, const Tensor& mask, bool training, bool apply_activation) {
  if (!mask.defined()) return apply_activation ? call(x, training) : call_without_activation(x, training);
  check_input(x);
  if (mask.dim() != 2 || x.dim() < 2 || mask.size(0) != x.size(0) || mask.size(1) != x.size(1))
    throw ShapeError(fmt::format("{} '{}': a mask must be (batch, time) = {}, got {}", class_name_, name_,
                                 shape_str({x.size(0), x.dim() >= 2 ? x.size(1) : 0}), shape_str(mask.shape())));
  Tensor y = forward_masked(x, mask, training);
  return !apply_activation || activation_ == "linear" ? y : activations::apply(activation_, y);
}

Tensor Layer::compute_mask(const Tensor& x, const Tensor& mask) const {
  if (!mask.defined() || x.dim() < 3 || output_shape_.empty()) return Tensor();
  // Output (batch, time, ...) with the same time length keeps the mask.
  return output_shape_.size() >= 2 && output_shape_[0] == x.size(1) ? mask : Tensor();
}

void Layer::set_activation(const std::string& name) {
  activations::get(name);  // throws ConfigError for unknown names
  activation_ = name.empty() ? "linear" : name;
}

nlohmann::json Layer::get_config() const {
  nlohmann::json config = {{"name", name_}, {"trainable", trainable_}, {"dtype", dtype_name(dtype_)}};
  if (!declared_input_shape_.empty()) config["input_shape"] = declared_input_shape_;
  return config;
}

LayerOptions Layer::common_from_config(const nlohmann::json& config) {
  LayerOptions o;
  o.name = config::value(config, "name", std::string(), "layer");
  o.trainable = config::value(config, "trainable", true, "layer");
  o.dtype = dtype_from_name(config::value(config, "dtype", std::string("float32"), "layer"));
  if (config.contains("input_shape")) o.input_shape = config::required<Shape>(config, "input_shape", "layer");
  return o;
}

Tensor Layer::add_weight(const std::string& name, const Shape& shape, const std::string& initializer, bool trainable) {
  for (const Weight& w : weights_)
    if (w.name == name) throw ValueError(fmt::format("{} '{}': weight '{}' added twice", class_name_, name_, name));
  charge_weight(fmt::format("{} '{}'", class_name_, name_), name, shape, dtype_);
  Tensor value = initializers::get(initializer)(shape, dtype_);
  const bool train = trainable && trainable_;
  if (train) value.set_requires_grad(true);
  weights_.push_back({name, value, train});
  return value;
}

std::vector<Tensor> Layer::trainable_weights() const {
  std::vector<Tensor> out;
  for (const Weight& w : weights_)
    if (w.trainable) out.push_back(w.value);
  return out;
}

std::vector<Tensor> Layer::non_trainable_weights() const {
  std::vector<Tensor> out;
  for (const Weight& w : weights_)
    if (!w.trainable) out.push_back(w.value);
  return out;
}

const Tensor& Layer::weight(const std::string& name) const {
  for (const Weight& w : weights_)
    if (w.name == name) return w.value;
  throw ValueError(fmt::format("{} '{}' has no weight named '{}'", class_name_, name_, name));
}

int64_t Layer::count_params() const {
  int64_t n = 0;
  for (const Weight& w : weights_) n += w.value.numel();
  return n;
}

}  // namespace deepfin::nn
