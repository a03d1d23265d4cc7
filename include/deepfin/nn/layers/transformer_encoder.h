#pragma once
// TransformerEncoder(num_heads, ff_dim): one encoder block of "Attention Is All You
// Need" on (N, T, D) sequences, output (N, T, D). With d_model = D:
//
//   post-norm (norm_first = false, the original):  h = LN1(x + Drop(MHA(x)))
//                                                  y = LN2(h + Drop(FFN(h)))
//   pre-norm  (norm_first = true):                 h = x + Drop(MHA(LN1(x)))
//                                                  y = h + Drop(FFN(LN2(h)))
//   FFN(z) = Dense(D)(Drop(act(Dense(ff_dim)(z)))),  MHA = self-attention with
//   num_heads heads of key_dim (default D / num_heads), dropout also on its
//   attention probabilities: torch.nn.TransformerEncoderLayer's block exactly.
//
// A (N, T) padding mask (Embedding(mask_zero), Masking) masks the attention keys
// and passes on unchanged, so masked pooling or an LSTM can follow.
//
// The sublayers are created at build time with fixed names, and their weights are
// this layer's weights, named "<sublayer>/<weight>" (saved as
// "layers/<encoder name>/<sublayer>/<weight>"):
//   self_attention/{query,key,value,output}_{kernel,bias}   MultiHeadAttention, Keras layout
//   self_attention_layer_norm/{gamma,beta}                  LN1
//   feedforward_intermediate_dense/{kernel,bias}            (D, ff_dim), (ff_dim)
//   feedforward_output_dense/{kernel,bias}                  (ff_dim, D), (D)
//   feedforward_layer_norm/{gamma,beta}                     LN2
// Mapping from torch.nn.TransformerEncoderLayer(d_model, nhead, ff_dim, batch_first=True):
//   self_attn.in_proj_weight / in_proj_bias / out_proj.weight / out_proj.bias
//       -> self_attention/* via nn::keras_mha_weights_from_torch (multi_head_attention.h)
//   linear1.weight (ff_dim, D) -> feedforward_intermediate_dense/kernel = weight^T; linear1.bias -> .../bias
//   linear2.weight (D, ff_dim) -> feedforward_output_dense/kernel = weight^T;       linear2.bias -> .../bias
//   norm1.weight / norm1.bias  -> self_attention_layer_norm/gamma / beta
//   norm2.weight / norm2.bias  -> feedforward_layer_norm/gamma / beta
// torch's default layer_norm_eps is 1e-5, as here; its default activation is relu.
#include <memory>
#include <vector>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

class MultiHeadAttention;

struct TransformerEncoderOptions {
  int64_t key_dim = 0;              // per head; 0: d_model / num_heads (which must divide)
  double dropout = 0.0;             // residual branches, FFN hidden layer and attention probabilities
  bool norm_first = false;          // pre-norm; false = post-norm (the original Transformer)
  std::string activation = "gelu";  // of the FFN hidden layer: "gelu" (exact erf form), "relu", ...
  double layer_norm_epsilon = 1e-5;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

class TransformerEncoder : public Layer {
 public:
  // ConfigError for num_heads or ff_dim < 1, key_dim < 0, dropout outside [0, 1),
  // layer_norm_epsilon <= 0, unknown activation or initializers.
  TransformerEncoder(int64_t num_heads, int64_t ff_dim, const TransformerEncoderOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t num_heads() const { return num_heads_; }
  int64_t ff_dim() const { return ff_dim_; }
  const TransformerEncoderOptions& options() const { return options_; }
  // The sublayers once built, in weight order: attention, LN1, FFN dense 1 and 2, LN2.
  const std::vector<std::shared_ptr<Layer>>& sublayers() const { return sublayers_; }

  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;
  Tensor forward_masked(const Tensor& x, const Tensor& mask, bool training) override;

 private:
  Tensor run(const Tensor& x, const Tensor& mask, bool training);
  Tensor attention_block(const Tensor& x, const Tensor& mask, bool training);
  Tensor feedforward_block(const Tensor& x, bool training);
  void push_weight_handles();  // our handles -> the sublayers (callers may swap ours)

  int64_t num_heads_;
  int64_t ff_dim_;
  TransformerEncoderOptions options_;
  std::vector<std::shared_ptr<Layer>> sublayers_;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::TransformerEncoder> TransformerEncoder(int64_t num_heads, int64_t ff_dim,
                                                                  const nn::TransformerEncoderOptions& options = {}) {
  return std::make_shared<nn::TransformerEncoder>(num_heads, ff_dim, options);
}
}  // namespace deepfin::layers
