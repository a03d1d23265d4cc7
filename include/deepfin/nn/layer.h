#pragma once
// Layer: the Keras building block. A layer names itself ("dense", "dense_1"),
// creates its weights in build(input_shape) once the input shape is known
// (without the batch axis), computes in call(x, training), and describes itself
// with get_config() so the registry can rebuild it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::nn {

// Options every layer accepts. Layer-specific option structs repeat these four
// fields at their end so designated initializers read like Keras keyword args.
struct LayerOptions {
  std::string name{};            // empty: auto-unique from the class ("conv2d", "conv2d_1")
  Shape input_shape{};           // without batch axis; empty: inferred from the previous layer
  DType dtype = DType::float32;  // of the weights and the computation
  bool trainable = true;
};

// Pulls the common fields out of any layer-specific options struct.
template <class Options>
LayerOptions common_options(const Options& o) {
  return LayerOptions{o.name, o.input_shape, o.dtype, o.trainable};
}

struct Weight {
  std::string name{};  // "kernel", "bias", "gamma", "moving_mean", ...
  Tensor value;
  bool trainable = true;
};

class Layer {
 public:
  // `class_name` is the registry key ("Conv2D"); it also seeds the auto name.
  Layer(std::string class_name, const LayerOptions& options);
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& name() const { return name_; }
  const std::string& class_name() const { return class_name_; }
  DType dtype() const { return dtype_; }
  bool trainable() const { return trainable_; }
  // The shape given by `input_shape` in the options (empty if none).
  const Shape& declared_input_shape() const { return declared_input_shape_; }

  // Creates the weights for inputs of `input_shape` (no batch axis). Idempotent
  // for the same shape; ShapeError when already built for another shape.
  void build(const Shape& input_shape);
  bool built() const { return built_; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const { return output_shape_; }

  // Runs the layer on a batch (batch axis first), building it on first use.
  Tensor call(const Tensor& x, bool training = false);
  Tensor operator()(const Tensor& x, bool training = false) { return call(x, training); }
  // Same as call() but without the final activation: the logits that fused
  // softmax/sigmoid cross-entropy losses train on.
  Tensor call_without_activation(const Tensor& x, bool training = false);
  // "linear" unless the layer ends in an activation (Dense, Conv2D, Activation).
  const std::string& activation() const { return activation_; }

  // Keras masking. A mask is (batch, time), nonzero for real steps and 0 for
  // padding. A layer that creates one (Embedding with mask_zero) returns it from
  // compute_mask(); a layer that uses one (recurrent layers, attention, masked
  // pooling) overrides forward_masked(). Sequential carries the mask from layer
  // to layer. With an undefined mask these are call() / call_without_activation().
  Tensor call_masked(const Tensor& x, const Tensor& mask, bool training = false, bool apply_activation = true);
  // The mask of this layer's output for input x carrying `mask`. Default: kept
  // while the output still has the input's time axis (axis 1 of rank >= 3
  // inputs, same length), dropped otherwise (Flatten, global pooling, ...).
  virtual Tensor compute_mask(const Tensor& x, const Tensor& mask) const;

  virtual Shape compute_output_shape(const Shape& input_shape) const = 0;
  // True for layers whose weights do not depend on the number of steps (axis 0 of
  // the per-sample shape): once built, they take any length compute_output_shape accepts.
  virtual bool variable_steps() const { return false; }
  // Keras-style config: name, trainable, dtype, input_shape (if declared) and the layer's own fields.
  virtual nlohmann::json get_config() const;

  // Weights in creation order. Swapping a handle here detaches it from any
  // parameter arena; tests do so to gradcheck through a weight.
  std::vector<Weight>& weights() { return weights_; }
  const std::vector<Weight>& weights() const { return weights_; }
  std::vector<Tensor> trainable_weights() const;
  std::vector<Tensor> non_trainable_weights() const;
  const Tensor& weight(const std::string& name) const;  // ValueError if absent
  int64_t count_params() const;

 protected:
  // Creates, initializes and registers a weight of the layer's dtype.
  Tensor add_weight(const std::string& name, const Shape& shape, const std::string& initializer, bool trainable = true);
  // Layer-specific weight creation; the input shape is already validated.
  virtual void build_weights(const Shape& /*input_shape*/) {}
  // The layer's math, before its activation.
  virtual Tensor forward(const Tensor& x, bool training) = 0;
  // The same with the input's (batch, time) mask; layers that ignore masks keep the default.
  virtual Tensor forward_masked(const Tensor& x, const Tensor& /*mask*/, bool training) { return forward(x, training); }
  // Reads back the fields get_config() writes for every layer.
  static LayerOptions common_from_config(const nlohmann::json& config);
  void set_activation(const std::string& name);  // validates the name
  // Tensor of this layer's weight in creation order (cached lookups for forward()).
  const Tensor& weight_at(size_t index) const { return weights_[index].value; }

 private:
  void check_input(const Tensor& x);

  std::string class_name_;
  std::string name_;
  DType dtype_;
  bool trainable_;
  Shape declared_input_shape_;
  std::string activation_ = "linear";
  bool built_ = false;
  Shape input_shape_;
  Shape output_shape_;
  std::vector<Weight> weights_;
};

// Whether `layer`'s relu may run after `next`, a linear MaxPooling2D, instead:
// max(relu(x)) = relu(max(x)), on a quarter of the values for 2x2 windows, with
// the same gradient below the relu. Both forward passes (Sequential's and
// DP-SGD's per-layer one) use it. Only relu: sigmoid and tanh round distinct
// large inputs to equal outputs, and the tie would send the gradient elsewhere.
// With NaN in the layer's output (weights already broken) the two orders can differ.
bool relu_moves_past_pool(const Layer& layer, const Layer& next);

// Keras's snake_case of a class name: "MaxPooling2D" -> "max_pooling2d".
std::string to_snake_case(const std::string& class_name);
// Next unique name for `base`: "dense", then "dense_1", "dense_2", ...
std::string unique_name(const std::string& base);
// Resets the name counters (keras.backend.clear_session()).
void clear_session();

// Copies src's values into dst's existing storage (shapes must match); no autograd.
// Used to set weights without breaking their binding to a parameter arena.
void assign_values(const Tensor& dst, const Tensor& src);

// {"class_name": ..., "config": ...}
nlohmann::json serialize(const Layer& layer);

}  // namespace deepfin::nn
