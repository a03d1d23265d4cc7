#pragma once
// Bidirectional(layer): runs a recurrent layer forwards and a copy of it backwards
// over (N, T, F), and merges the two outputs (Keras semantics).
//
// Both directions are rebuilt from the wrapped layer's config: the forward copy is
// named "forward_<name>", the backward copy "backward_<name>" with go_backwards
// flipped, and each has its own weights (the wrapped object itself is not run).
// With return_sequences the backward output is reversed in time before the merge,
// so step t of both halves describes input step t.
// merge_mode: "concat" (last axis, forward first), "sum", "mul" or "ave".
//
// Weights are "forward_<name>/<weight>" then "backward_<name>/<weight>", e.g.
// "forward_lstm/kernel", so a saved model keys them
// "layers/bidirectional/forward_lstm/kernel". The config nests the wrapped layer
// as {"layer": {"class_name": ..., "config": ...}, "merge_mode": ...}.
#include <memory>
#include <vector>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct BidirectionalOptions {
  std::string merge_mode = "concat";
  std::string name{};
  Shape input_shape{};           // empty: the wrapped layer's declared input_shape, if any
  DType dtype = DType::float32;  // ignored: the wrapper computes in the wrapped layer's dtype
  bool trainable = true;
};

class Bidirectional : public Layer {
 public:
  // ConfigError when the layer's config has no "go_backwards" (not a recurrent layer)
  // or merge_mode is unknown; ValueError for a null layer.
  explicit Bidirectional(std::shared_ptr<Layer> layer, const BidirectionalOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  const std::shared_ptr<Layer>& forward_layer() const { return forward_layer_; }
  const std::shared_ptr<Layer>& backward_layer() const { return backward_layer_; }
  const std::string& merge_mode() const { return merge_mode_; }

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  // Keras's return_state form: [merged output, forward states..., backward states...].
  // initial_states: {} or the forward states followed by the backward states.
  // mask: (N, T), nonzero = keep, or undefined. Needs a RecurrentLayer inside (ValueError otherwise).
  std::vector<Tensor> call_with_states(const Tensor& x, const std::vector<Tensor>& initial_states = {},
                                       const Tensor& mask = {}, bool training = false);

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  void push_weight_handles();  // our handles -> the two inner layers (callers may swap ours)
  Tensor merge(const Tensor& forward_out, const Tensor& backward_out) const;

  nlohmann::json layer_config_;  // the wrapped layer, serialized
  std::shared_ptr<Layer> forward_layer_;
  std::shared_ptr<Layer> backward_layer_;
  std::string merge_mode_;
  bool return_sequences_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::Bidirectional> Bidirectional(std::shared_ptr<nn::Layer> layer,
                                                        const nn::BidirectionalOptions& options = {}) {
  return std::make_shared<nn::Bidirectional>(std::move(layer), options);
}
}  // namespace deepfin::layers
