#pragma once
// SimpleRNN, LSTM and GRU: Keras recurrent layers over (batch, time, features),
// each running ONE fused sequence op (ops/recurrent.h) with a hand-written
// backward through time. Keras weight layout: kernel (F, G*U), recurrent_kernel
// (U, G*U), bias (G*U), or (2, 3U) for GRU (reset_after = true, the only mode).
//
// Masking: call_with_states takes a (batch, time) mask, and mask_value fuses
// Keras's Masking layer (a step whose features all equal mask_value is masked);
// masked steps keep the state and repeat the previous output (ops/recurrent.h).
// Dropout (training only): one mask per sequence for x_t and one for h_{t-1} in
// the recurrent product, drawn from the seeded default generator.
// recurrent_initializer "orthogonal" makes each gate's (U, U) block orthogonal.
#include <memory>
#include <optional>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/recurrent.h"

namespace deepfin::nn {

struct RecurrentLayerOptions {
  std::string activation = "tanh";
  std::string recurrent_activation = "sigmoid";  // LSTM, GRU gates
  bool use_bias = true;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  bool unit_forget_bias = true;  // LSTM: forget-gate bias starts at 1
  bool reset_after = true;       // GRU: only true is supported
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  std::optional<double> mask_value{};
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// The shared base: SimpleRNN, LSTM and GRU differ only in their cell.
class RecurrentLayer : public Layer {
 public:
  int64_t units() const { return units_; }
  const RecurrentLayerOptions& options() const { return options_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  // [output, h, (c)]. initial_states: {} or [h0] (+ [c0] for LSTM), each (batch, units).
  // mask: (batch, time), nonzero = keep, or undefined. Builds the layer on first use.
  std::vector<Tensor> call_with_states(const Tensor& x, const std::vector<Tensor>& initial_states = {},
                                       const Tensor& mask = {}, bool training = false);

 protected:
  RecurrentLayer(const std::string& class_name, deepfin::RecurrentKind kind, int64_t units,
                 const RecurrentLayerOptions& options);
  static RecurrentLayerOptions options_from_config(const nlohmann::json& config);
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;
  // A mask from an earlier layer (e.g. Embedding with mask_zero) masks the steps.
  Tensor forward_masked(const Tensor& x, const Tensor& mask, bool training) override;

 private:
  std::vector<Tensor> run(const Tensor& x, const std::vector<Tensor>& initial_states, const Tensor& mask,
                          bool training);
  int64_t gates() const;

  deepfin::RecurrentKind kind_;
  int64_t units_;
  RecurrentLayerOptions options_;
};

class SimpleRNN : public RecurrentLayer {
 public:
  SimpleRNN(int64_t units, const RecurrentLayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

class LSTM : public RecurrentLayer {
 public:
  LSTM(int64_t units, const RecurrentLayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

class GRU : public RecurrentLayer {
 public:
  GRU(int64_t units, const RecurrentLayerOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::SimpleRNN> SimpleRNN(int64_t units, const nn::RecurrentLayerOptions& options = {}) {
  return std::make_shared<nn::SimpleRNN>(units, options);
}
inline std::shared_ptr<nn::LSTM> LSTM(int64_t units, const nn::RecurrentLayerOptions& options = {}) {
  return std::make_shared<nn::LSTM>(units, options);
}
inline std::shared_ptr<nn::GRU> GRU(int64_t units, const nn::RecurrentLayerOptions& options = {}) {
  return std::make_shared<nn::GRU>(units, options);
}
}  // namespace deepfin::layers
