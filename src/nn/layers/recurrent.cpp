// RecurrentLayer: the Keras RNN machinery shared by SimpleRNN, LSTM and GRU
// (weights, masks, dropout masks, return_sequences / return_state), around one
// fused sequence op per call.
#include "deepfin/nn/layers/recurrent.h"

#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/initializers.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin::nn {
namespace {

// Keras Masking: step (n, t) is kept unless every feature equals `value`.
Tensor mask_from_value(const Tensor& x, double value) {
  const int64_t N = x.size(0), T = x.size(1), F = x.size(2);
  const std::vector<double> v = x.detach().to_vector<double>();
  std::vector<double> keep(static_cast<size_t>(N * T), 0.0);
  for (int64_t r = 0; r < N * T; ++r)
    for (int64_t f = 0; f < F; ++f)
      if (v[static_cast<size_t>(r * F + f)] != value) {
        keep[static_cast<size_t>(r)] = 1.0;
        break;
      }
  return from_vector(keep, {N, T});
}

// Inverted-dropout mask of `shape` in `dtype`: 0 with probability rate, else 1 / (1 - rate).
Tensor dropout_mask(const Shape& shape, double rate, DType dtype) {
  Generator& gen = default_generator();
  std::vector<double> m(static_cast<size_t>(shape_numel(shape)));
  for (double& v : m) v = gen.uniform01() < rate ? 0.0 : 1.0 / (1.0 - rate);
  return from_vector(m, shape).to(dtype);
}

}  // namespace

RecurrentLayer::RecurrentLayer(const std::string& class_name, deepfin::RecurrentKind kind, int64_t units,
                               const RecurrentLayerOptions& options)
    : Layer(class_name, common_options(options)), kind_(kind), units_(units), options_(options) {
  if (units <= 0) throw ValueError(fmt::format("{} '{}': units must be positive, got {}", class_name, name(), units));
  for (const auto& [rate, what] :
       {std::pair{options.dropout, "dropout"}, {options.recurrent_dropout, "recurrent_dropout"}})
    if (!(rate >= 0.0 && rate < 1.0))
      throw ValueError(fmt::format("{} '{}': {} must be in [0, 1), got {}", class_name, name(), what, rate));
  if (kind == deepfin::RecurrentKind::gru && !options.reset_after)
    throw ConfigError(
        fmt::format("GRU '{}': reset_after = false is not supported (only the Keras 2/3 default, "
                    "reset_after = true)",
                    name()));
  for (const std::string* init :
       {&options.kernel_initializer, &options.recurrent_initializer, &options.bias_initializer})
    initializers::get(*init);  // ConfigError for unknown names, at construction
  // Unknown activations raise ValueError from the op; check them now instead.
  for (const std::string* act : {&options.activation, &options.recurrent_activation})
    if (*act != "tanh" && *act != "sigmoid" && *act != "relu" && *act != "linear")
      throw ConfigError(
          fmt::format("{} '{}': unknown activation '{}'; recurrent layers support tanh, sigmoid, relu "
                      "and linear",
                      class_name, name(), *act));
}

int64_t RecurrentLayer::gates() const {
  return kind_ == deepfin::RecurrentKind::lstm ? 4 : kind_ == deepfin::RecurrentKind::gru ? 3 : 1;
}

Shape RecurrentLayer::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 2)
    throw ShapeError(fmt::format("{} '{}': input must be (time, features) per sample, got {}", class_name(), name(),
                                 shape_str(input_shape)));
  return options_.return_sequences ? Shape{input_shape[0], units_} : Shape{units_};
}

void RecurrentLayer::build_weights(const Shape& input_shape) {
  const int64_t U = units_, GU = gates() * U;
  add_weight("kernel", {input_shape[1], GU}, options_.kernel_initializer);
  if (options_.recurrent_initializer == "orthogonal") {
    // One orthogonal (U, U) block per gate, side by side.
    const Tensor rk = add_weight("recurrent_kernel", {U, GU}, "zeros");
    std::vector<Tensor> blocks;
    for (int64_t g = 0; g < gates(); ++g) blocks.push_back(initializers::get("orthogonal")({U, U}, dtype()));
    assign_values(rk, concat(blocks, 1));
  } else {
    add_weight("recurrent_kernel", {U, GU}, options_.recurrent_initializer);
  }
  if (!options_.use_bias) return;
  const Shape bias_shape = kind_ == deepfin::RecurrentKind::gru ? Shape{2, GU} : Shape{GU};
  const Tensor bias = add_weight("bias", bias_shape, options_.bias_initializer);
  if (kind_ == deepfin::RecurrentKind::lstm && options_.unit_forget_bias) {
    std::vector<double> values = bias.detach().to_vector<double>();
    for (int64_t u = U; u < 2 * U; ++u) values[static_cast<size_t>(u)] = 1.0;
    assign_values(bias, from_vector(values, bias_shape));
  }
}

std::vector<Tensor> RecurrentLayer::call_with_states(const Tensor& x, const std::vector<Tensor>& initial_states,
                                                     const Tensor& mask, bool training) {
  if (x.dim() != 3)
    throw ShapeError(fmt::format("{} '{}': input must be (batch, time, features), got {}", class_name(), name(),
                                 shape_str(x.shape())));
  build(Shape(x.shape().begin() + 1, x.shape().end()));  // ShapeError if built for another shape
  return run(x, initial_states, mask, training);
}

Tensor RecurrentLayer::forward(const Tensor& x, bool training) {
  if (x.dim() != 3)
    throw ShapeError(fmt::format("{} '{}': input must be (batch, time, features), got {}", class_name(), name(),
                                 shape_str(x.shape())));
  return run(x, {}, {}, training)[0];
}

Tensor RecurrentLayer::forward_masked(const Tensor& x, const Tensor& mask, bool training) {
  if (x.dim() != 3)
    throw ShapeError(fmt::format("{} '{}': input must be (batch, time, features), got {}", class_name(), name(),
                                 shape_str(x.shape())));
  return run(x, {}, mask, training)[0];
}

std::vector<Tensor> RecurrentLayer::run(const Tensor& x, const std::vector<Tensor>& initial_states, const Tensor& mask,
                                        bool training) {
  const bool lstm = kind_ == deepfin::RecurrentKind::lstm;
  const size_t n_states = lstm ? 2 : 1;
  if (!initial_states.empty() && initial_states.size() != n_states)
    throw ValueError(fmt::format("{} '{}': expected {} initial state(s), got {}", class_name(), name(), n_states,
                                 initial_states.size()));
  const int64_t N = x.size(0), T = x.size(1);
  Tensor keep = mask;
  if (options_.mask_value) {
    const Tensor from_value = mask_from_value(x, *options_.mask_value);
    if (keep.defined()) {
      if (keep.shape() != Shape{N, T})
        throw ShapeError(fmt::format("{} '{}': mask has shape {}, expected {}", class_name(), name(),
                                     shape_str(keep.shape()), shape_str({N, T})));
      std::vector<double> a = keep.detach().to_vector<double>(), b = from_value.to_vector<double>();
      for (size_t i = 0; i < a.size(); ++i) a[i] = (a[i] != 0.0 && b[i] != 0.0) ? 1.0 : 0.0;
      keep = from_vector(a, {N, T});
    } else {
      keep = from_value;
    }
  }
  Tensor in_drop, rec_drop;
  if (training && options_.dropout > 0.0) in_drop = dropout_mask({N, x.size(2)}, options_.dropout, x.dtype());
  if (training && options_.recurrent_dropout > 0.0)
    rec_drop = dropout_mask({N, units_}, options_.recurrent_dropout, x.dtype());
  const deepfin::RecurrentOptions o{.activation = options_.activation,
                                    .recurrent_activation = options_.recurrent_activation,
                                    .go_backwards = options_.go_backwards};
  const Tensor h0 = initial_states.empty() ? Tensor() : initial_states[0];
  const Tensor bias = options_.use_bias ? weight_at(2) : Tensor();
  deepfin::RecurrentResult r;
  switch (kind_) {
    case deepfin::RecurrentKind::lstm:
      r = deepfin::lstm(x, weight_at(0), weight_at(1), bias, h0, initial_states.empty() ? Tensor() : initial_states[1],
                        keep, in_drop, rec_drop, o);
      break;
    case deepfin::RecurrentKind::gru:
      r = deepfin::gru(x, weight_at(0), weight_at(1), bias, h0, keep, in_drop, rec_drop, o);
      break;
    case deepfin::RecurrentKind::simple_rnn:
      r = deepfin::simple_rnn(x, weight_at(0), weight_at(1), bias, h0, keep, in_drop, rec_drop, o);
      break;
  }
  // Keras's last output is the sequence's last entry (zeros for a fully masked row).
  std::vector<Tensor> out{options_.return_sequences ? r.sequence : r.sequence.select(1, T - 1), r.last_h};
  if (lstm) out.push_back(r.last_c);
  return out;
}

nlohmann::json RecurrentLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = options_.activation;
  if (kind_ != deepfin::RecurrentKind::simple_rnn) c["recurrent_activation"] = options_.recurrent_activation;
  c["use_bias"] = options_.use_bias;
  c["return_sequences"] = options_.return_sequences;
  c["return_state"] = options_.return_state;
  c["go_backwards"] = options_.go_backwards;
  c["dropout"] = options_.dropout;
  c["recurrent_dropout"] = options_.recurrent_dropout;
  if (kind_ == deepfin::RecurrentKind::lstm) c["unit_forget_bias"] = options_.unit_forget_bias;
  if (kind_ == deepfin::RecurrentKind::gru) c["reset_after"] = options_.reset_after;
  c["kernel_initializer"] = options_.kernel_initializer;
  c["recurrent_initializer"] = options_.recurrent_initializer;
  c["bias_initializer"] = options_.bias_initializer;
  if (options_.mask_value) c["mask_value"] = *options_.mask_value;
  return c;
}

RecurrentLayerOptions RecurrentLayer::options_from_config(const nlohmann::json& c) {
  const LayerOptions common = common_from_config(c);
  const RecurrentLayerOptions d;
  RecurrentLayerOptions o{
      .activation = config::value(c, "activation", d.activation, "recurrent layer"),
      .recurrent_activation = config::value(c, "recurrent_activation", d.recurrent_activation, "recurrent layer"),
      .use_bias = config::value(c, "use_bias", d.use_bias, "recurrent layer"),
      .return_sequences = config::value(c, "return_sequences", d.return_sequences, "recurrent layer"),
      .return_state = config::value(c, "return_state", d.return_state, "recurrent layer"),
      .go_backwards = config::value(c, "go_backwards", d.go_backwards, "recurrent layer"),
      .dropout = config::value(c, "dropout", d.dropout, "recurrent layer"),
      .recurrent_dropout = config::value(c, "recurrent_dropout", d.recurrent_dropout, "recurrent layer"),
      .unit_forget_bias = config::value(c, "unit_forget_bias", d.unit_forget_bias, "recurrent layer"),
      .reset_after = config::value(c, "reset_after", d.reset_after, "recurrent layer"),
      .kernel_initializer = config::value(c, "kernel_initializer", d.kernel_initializer, "recurrent layer"),
      .recurrent_initializer = config::value(c, "recurrent_initializer", d.recurrent_initializer, "recurrent layer"),
      .bias_initializer = config::value(c, "bias_initializer", d.bias_initializer, "recurrent layer"),
      .mask_value = std::nullopt,
      .name = common.name,
      .input_shape = common.input_shape,
      .dtype = common.dtype,
      .trainable = common.trainable};
  if (c.contains("mask_value") && !c.at("mask_value").is_null())
    o.mask_value = config::required<double>(c, "mask_value", "recurrent layer");
  return o;
}

SimpleRNN::SimpleRNN(int64_t units, const RecurrentLayerOptions& options)
    : RecurrentLayer("SimpleRNN", deepfin::RecurrentKind::simple_rnn, units, options) {}
LSTM::LSTM(int64_t units, const RecurrentLayerOptions& options)
    : RecurrentLayer("LSTM", deepfin::RecurrentKind::lstm, units, options) {}
GRU::GRU(int64_t units, const RecurrentLayerOptions& options)
    : RecurrentLayer("GRU", deepfin::RecurrentKind::gru, units, options) {}

std::shared_ptr<Layer> SimpleRNN::from_config(const nlohmann::json& c) {
  return std::make_shared<SimpleRNN>(config::required<int64_t>(c, "units", "recurrent layer"), options_from_config(c));
}
std::shared_ptr<Layer> LSTM::from_config(const nlohmann::json& c) {
  return std::make_shared<LSTM>(config::required<int64_t>(c, "units", "recurrent layer"), options_from_config(c));
}
std::shared_ptr<Layer> GRU::from_config(const nlohmann::json& c) {
  return std::make_shared<GRU>(config::required<int64_t>(c, "units", "recurrent layer"), options_from_config(c));
}

}  // namespace deepfin::nn
