#include "deepfin/nn/layers/ensemble.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/reductions.h"

namespace deepfin::nn {
namespace {

// `common`: Layer::common_from_config(c), which only the layers themselves may call.
EnsembleOptions options_from_config(const nlohmann::json& c, const LayerOptions& common, const char* where) {
  return {.activation = config::value(c, "activation", std::string("linear"), where),
          .use_bias = config::value(c, "use_bias", true, where),
          .name = common.name,
          .input_shape = common.input_shape,
          .dtype = common.dtype,
          .trainable = common.trainable};
}

}  // namespace

EnsembleInput::EnsembleInput(int64_t members, const EnsembleOptions& options)
    : Layer("EnsembleInput", common_options(options)), members_(members) {
  if (members < 1) throw ConfigError(fmt::format("EnsembleInput '{}': members must be >= 1, got {}", name(), members));
}

std::shared_ptr<Layer> EnsembleInput::from_config(const nlohmann::json& c) {
  return std::make_shared<EnsembleInput>(config::required<int64_t>(c, "members", "EnsembleInput"),
                                         options_from_config(c, common_from_config(c), "EnsembleInput"));
}

nlohmann::json EnsembleInput::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["members"] = members_;
  return c;
}

Shape EnsembleInput::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 1)
    throw ShapeError(fmt::format("EnsembleInput '{}': input must be (batch, features), got per-sample shape {}", name(),
                                 shape_str(input_shape)));
  return {members_, input_shape[0]};
}

void EnsembleInput::build_weights(const Shape& input_shape) {
  const Shape shape{members_, input_shape[0]};
  // Random signs: every member starts as a differently reflected view of the same input.
  const Tensor signs =
      sub(mul(greater(rand_uniform(shape, 0.0, 1.0, dtype()), full(shape, 0.5, dtype())), 2.0), ones(shape, dtype()));
  assign_values(add_weight("adapter", shape, "zeros"), signs);
}

Tensor EnsembleInput::forward(const Tensor& input, bool /*training*/) {
  const Tensor x = input.dtype() == dtype() ? input : input.to(dtype());
  return mul(x.unsqueeze(1), weight_at(0));  // (N, 1, F) * (k, F)
}

EnsembleDense::EnsembleDense(int64_t units, const EnsembleOptions& options)
    : Layer("EnsembleDense", common_options(options)), units_(units), use_bias_(options.use_bias) {
  if (units < 1) throw ConfigError(fmt::format("EnsembleDense '{}': units must be >= 1, got {}", name(), units));
  set_activation(options.activation);
}

std::shared_ptr<Layer> EnsembleDense::from_config(const nlohmann::json& c) {
  return std::make_shared<EnsembleDense>(config::required<int64_t>(c, "units", "EnsembleDense"),
                                         options_from_config(c, common_from_config(c), "EnsembleDense"));
}

nlohmann::json EnsembleDense::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = activation();
  c["use_bias"] = use_bias_;
  return c;
}

Shape EnsembleDense::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2)
    throw ShapeError(
        fmt::format("EnsembleDense '{}': input must be (batch, members, features), got per-sample shape {}", name(),
                    shape_str(input_shape)));
  return {input_shape[0], units_};
}

void EnsembleDense::build_weights(const Shape& input_shape) {
  const int64_t k = input_shape[0], in = input_shape[1];
  const double limit = std::sqrt(6.0 / static_cast<double>(in + units_));  // glorot uniform of one (in, units) kernel
  assign_values(add_weight("kernel", {k, in, units_}, "zeros"), rand_uniform({k, in, units_}, -limit, limit, dtype()));
  if (use_bias_) add_weight("bias", {k, units_}, "zeros");
}

Tensor EnsembleDense::forward(const Tensor& input, bool /*training*/) {
  const Tensor x = input.dtype() == dtype() ? input : input.to(dtype());
  // Members first: (k, N, in) @ (k, in, units), then back to (N, k, units).
  const Tensor y = matmul(x.transpose(0, 1), weight_at(0)).transpose(0, 1);
  return use_bias_ ? add(y, weight_at(1)) : y;
}

EnsembleMean::EnsembleMean(const EnsembleOptions& options) : Layer("EnsembleMean", common_options(options)) {
  set_activation(options.activation);
}

std::shared_ptr<Layer> EnsembleMean::from_config(const nlohmann::json& c) {
  return std::make_shared<EnsembleMean>(options_from_config(c, common_from_config(c), "EnsembleMean"));
}

nlohmann::json EnsembleMean::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["activation"] = activation();
  return c;
}

Shape EnsembleMean::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() < 2)
    throw ShapeError(
        fmt::format("EnsembleMean '{}': input must be (batch, members, ...), as EnsembleDense gives, got "
                    "per-sample shape {}",
                    name(), shape_str(input_shape)));
  return Shape(input_shape.begin() + 1, input_shape.end());
}

Tensor EnsembleMean::forward(const Tensor& x, bool training) {
  return training ? x : mean(x, {1});
}

}  // namespace deepfin::nn
