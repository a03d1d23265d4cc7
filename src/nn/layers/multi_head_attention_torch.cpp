// torch.nn.MultiheadAttention's packed weights -> Keras MultiHeadAttention
// layout. The one place the mapping lives (docs/attention_layout.md explains it).
#include <fmt/format.h>

#include "deepfin/nn/layers/multi_head_attention.h"

namespace deepfin::nn {

MultiHeadAttentionWeights keras_mha_weights_from_torch(const Tensor& in_proj_weight, const Tensor& in_proj_bias,
                                                       const Tensor& out_proj_weight, const Tensor& out_proj_bias,
                                                       int64_t num_heads) {
  if (!in_proj_weight.defined() || in_proj_weight.dim() != 2 || in_proj_weight.size(0) != 3 * in_proj_weight.size(1))
    throw ShapeError(fmt::format("keras_mha_weights_from_torch: in_proj_weight must be (3E, E), got {}",
                                 in_proj_weight.defined() ? shape_str(in_proj_weight.shape()) : "undefined"));
  const int64_t E = in_proj_weight.size(1);
  if (num_heads <= 0 || E % num_heads != 0)
    throw ValueError(
        fmt::format("keras_mha_weights_from_torch: embed_dim {} is not divisible by num_heads {}", E, num_heads));
  if (!out_proj_weight.defined() || out_proj_weight.shape() != Shape{E, E})
    throw ShapeError(fmt::format("keras_mha_weights_from_torch: out_proj_weight must be (E, E) = ({}, {})", E, E));
  const bool bias = in_proj_bias.defined();
  if (bias && (in_proj_bias.shape() != Shape{3 * E} || !out_proj_bias.defined() || out_proj_bias.shape() != Shape{E}))
    throw ShapeError(fmt::format("keras_mha_weights_from_torch: biases must be (3E) and (E) with E = {}", E));
  const int64_t D = E / num_heads;
  // torch computes x @ W.T with W (out, in); out index = head * D + d.
  const auto kernel = [&](int64_t part) {
    return in_proj_weight.slice(0, part * E, (part + 1) * E).transpose(0, 1).reshape({E, num_heads, D});
  };
  const auto head_bias = [&](int64_t part) {
    return bias ? in_proj_bias.slice(0, part * E, (part + 1) * E).reshape({num_heads, D}) : Tensor();
  };
  MultiHeadAttentionWeights w;
  w.query_kernel = kernel(0);
  w.query_bias = head_bias(0);
  w.key_kernel = kernel(1);
  w.key_bias = head_bias(1);
  w.value_kernel = kernel(2);
  w.value_bias = head_bias(2);
  // The heads' outputs are concatenated (head * D + d) before out_proj.
  w.output_kernel = out_proj_weight.transpose(0, 1).reshape({num_heads, D, E});
  w.output_bias = bias ? out_proj_bias : Tensor();
  return w;
}

}  // namespace deepfin::nn
