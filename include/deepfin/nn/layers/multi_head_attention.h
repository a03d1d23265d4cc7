#pragma once
// MultiHeadAttention: Keras semantics and weight layout over the fused,
// memory-efficient attention op (ops/attention.h).
//
//   q = query @ query_kernel + query_bias     query_kernel (Eq, H, Dk), bias (H, Dk)
//   k = key   @ key_kernel   + key_bias       key_kernel   (Ek, H, Dk), bias (H, Dk)
//   v = value @ value_kernel + value_bias     value_kernel (Ev, H, Dv), bias (H, Dv)
//   o = attention(q, k, v), scale 1/sqrt(Dk), dropout on the probabilities
//   out = o @ output_kernel + output_bias     output_kernel (H, Dv, *output_shape), bias (output_shape)
// output_shape defaults to (Eq). docs/attention_layout.md maps these weights to
// torch.nn.MultiheadAttention's in_proj / out_proj.
//
// As a Sequential layer it is self-attention (query = key = value = x, shape
// (batch, time, features)). A (batch, time) padding mask from an earlier layer
// masks the keys; padded query rows are still computed (Keras's rule), and the
// mask passes on unchanged. call_attention is the Keras call with separate
// query / value / key, an attention_mask (B, Tq, Tk) (nonzero = attend) and
// use_causal_mask.
#include <memory>
#include <utility>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct MultiHeadAttentionOptions {
  int64_t value_dim = 0;  // 0: key_dim
  double dropout = 0.0;   // on the attention probabilities, training only
  bool use_bias = true;
  Shape output_shape{};  // empty: the query's feature size
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class MultiHeadAttention : public Layer {
 public:
  MultiHeadAttention(int64_t num_heads, int64_t key_dim, const MultiHeadAttentionOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t num_heads() const { return num_heads_; }
  int64_t key_dim() const { return key_dim_; }
  int64_t value_dim() const { return value_dim_; }
  const MultiHeadAttentionOptions& options() const { return options_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  // query (B, Tq, Eq), value (B, Tk, Ev), key (B, Tk, Ek) (undefined: value).
  // attention_mask: undefined or (B, Tq, Tk), nonzero = attend. Builds the layer
  // on first use from the three feature sizes. Returns (B, Tq, *output_shape).
  Tensor call_attention(const Tensor& query, const Tensor& value, const Tensor& key = {},
                        const Tensor& attention_mask = {}, bool use_causal_mask = false, bool training = false);
  // The same, plus the attention probabilities (B, H, Tq, Tk) (return_attention_scores).
  std::pair<Tensor, Tensor> call_attention_with_scores(const Tensor& query, const Tensor& value, const Tensor& key = {},
                                                       const Tensor& attention_mask = {}, bool use_causal_mask = false,
                                                       bool training = false);

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;
  Tensor forward_masked(const Tensor& x, const Tensor& mask, bool training) override;

 private:
  // op_mask: undefined or broadcastable to (B, H, Tq, Tk).
  std::pair<Tensor, Tensor> run(const Tensor& query, const Tensor& value, const Tensor& key, const Tensor& op_mask,
                                bool causal, bool training, bool want_scores);
  // Validates (building on first use) and turns attention_mask (B, Tq, Tk) into the op's mask.
  std::pair<Tensor, Tensor> call_checked(const Tensor& query, const Tensor& value, const Tensor& key,
                                         const Tensor& attention_mask, bool use_causal_mask, bool training,
                                         bool want_scores);
  void check_inputs(const Tensor& query, const Tensor& value, const Tensor& key);
  Tensor project(const Tensor& x, const std::string& which, int64_t depth) const;

  int64_t num_heads_, key_dim_, value_dim_;
  MultiHeadAttentionOptions options_;
  int64_t key_features_ = 0, value_features_ = 0;  // of the key / value inputs; 0: the query's
};

// torch.nn.MultiheadAttention (embed_dim E, num_heads H, kdim = vdim = E, packed
// in_proj) -> Keras layout; see docs/attention_layout.md. Differentiable (slices,
// transposes, reshapes), so gradients reach the torch-layout tensors.
struct MultiHeadAttentionWeights {
  Tensor query_kernel, query_bias, key_kernel, key_bias, value_kernel, value_bias, output_kernel, output_bias;
};
// in_proj_weight (3E, E), in_proj_bias (3E), out_proj_weight (E, E), out_proj_bias (E);
// the biases may be undefined (bias = False).
MultiHeadAttentionWeights keras_mha_weights_from_torch(const Tensor& in_proj_weight, const Tensor& in_proj_bias,
                                                       const Tensor& out_proj_weight, const Tensor& out_proj_bias,
                                                       int64_t num_heads);

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::MultiHeadAttention> MultiHeadAttention(int64_t num_heads, int64_t key_dim,
                                                                  const nn::MultiHeadAttentionOptions& options = {}) {
  return std::make_shared<nn::MultiHeadAttention>(num_heads, key_dim, options);
}
}  // namespace deepfin::layers
