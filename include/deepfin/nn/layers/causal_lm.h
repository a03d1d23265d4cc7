#pragma once
// CausalLM: a decoder-only Transformer language model as one layer, from token
// ids (N, T) to next-token logits (N, T, vocab_size). Both families in use are
// options of the same block:
//   GPT-2:  learned positions, LayerNorm, GELU MLP, biases        (the defaults)
//   Llama:  rotary positions, RMSNorm, SwiGLU MLP, no biases, grouped-query attention
//
//   x = token_embedding[ids] (+ position_embedding[positions])
//   for each block:  x = x + Drop(Wo · attention(rope(Wq·n1(x)), rope(Wk·n1(x)), Wv·n1(x), causal))
//                    x = x + Drop(MLP(n2(x)))
//   logits = final_norm(x) · token_embeddingᵀ   (tied; or an output_kernel when untied)
// MLP is down(gelu(up(h))) or down(silu(gate(h)) ⊙ up(h)). With num_kv_heads < num_heads
// each key/value head serves num_heads / num_kv_heads query heads.
//
// Weights (saved as "layers/<name>/<weight>"): token_embedding (V, D), position_embedding
// (context_length, D) when learned; per block i "block_<i>/": attention_norm/{gamma,beta},
// {query,key,value,output}_{kernel,bias}, mlp_norm/{gamma,beta}, {up,gate,down}_{kernel,bias};
// final_norm/{gamma,beta}; output_kernel (D, V) when untied. Kernels are (in, out), as
// GPT-2's Conv1D; beta and biases exist only with LayerNorm / use_bias. Initialization
// is GPT-2's: normal(0, 0.02), output and down projections scaled by 1/sqrt(2·num_layers).
//
// Generation runs through a KV cache (forward_cached): each call appends the new
// tokens' keys and values, so a step costs one token's work, not the whole prefix.
// Rows of a batch may be left-padded; padded keys are masked out and positions
// count from each row's first real token, so a padded row computes what it would alone.
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/quantized_linear.h"

namespace deepfin::nn {

struct CausalLMOptions {
  int64_t num_kv_heads = 0;           // 0: num_heads (plain multi-head attention)
  std::string positions = "learned";  // "learned" or "rope"
  double rope_base = 10000.0;
  std::string norm = "layer";  // "layer" (LayerNorm) or "rms" (RMSNorm)
  std::string mlp = "gelu";    // "gelu" (GPT-2's tanh form), "gelu_exact" or "swiglu"
  bool use_bias = true;
  bool tie_embeddings = true;
  double dropout = 0.0;  // residual branches and attention probabilities, training only
  double norm_epsilon = 1e-5;
  // LoRA (Hu et al. 2021): with lora_rank > 0, each targeted projection W gains a low-rank
  // update, x W + (lora_alpha / lora_rank) x A B with A (in, r) and B (r, out); B starts at
  // zero, so the model starts as it was. Every other weight is frozen (not trainable).
  int64_t lora_rank = 0;
  double lora_alpha = 16.0;
  std::vector<std::string> lora_targets = {"query", "value"};  // of query, key, value, output, gate, up, down
  // "logits" (N, T, vocab_size), or "hidden": the final-normed states (N, T, d_model), the body
  // a classifier head goes on (text jobs with [model] pretrained).
  std::string output = "logits";
  // >= 0: the id that pads texts on the right. The layer then emits a (N, T) mask of the other
  // positions, so masked pooling skips the pads (causal attention already keeps them out of
  // every real position).
  int64_t pad_id = -1;
  // "causal" (a decoder: position t sees 0..t) or "bidirectional" (an encoder for masked-LM
  // pretraining: every position sees every other; with pad_id the pads are masked as keys).
  std::string attention = "causal";
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// Keys and values of every block for the tokens seen so far, (batch, kv_heads, capacity, head_dim) each.
struct KVCache {
  std::vector<Tensor> keys, values;
  int64_t batch = 0;
  int64_t length = 0;                 // tokens stored per row (pads included)
  std::vector<int64_t> left_padding;  // per row: leading pad slots, masked out and not counted as positions
};

class CausalLM : public Layer {
 public:
  // ConfigError naming the option for sizes < 1, num_heads not divisible by num_kv_heads,
  // d_model not divisible by num_heads, an odd head size with rope, or unknown names.
  CausalLM(int64_t vocab_size, int64_t context_length, int64_t d_model, int64_t num_layers, int64_t num_heads,
           int64_t ff_dim, const CausalLMOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  int64_t vocab_size() const { return vocab_size_; }
  int64_t context_length() const { return context_length_; }
  int64_t d_model() const { return d_model_; }
  int64_t num_layers() const { return num_layers_; }
  int64_t num_heads() const { return num_heads_; }
  int64_t num_kv_heads() const { return kv_heads_; }
  int64_t head_dim() const { return d_model_ / num_heads_; }
  int64_t ff_dim() const { return ff_dim_; }
  const CausalLMOptions& options() const { return options_; }

  Shape compute_output_shape(const Shape& input_shape) const override;
  bool variable_steps() const override { return true; }  // any length up to context_length
  Tensor compute_mask(const Tensor& x, const Tensor& mask) const override;
  nlohmann::json get_config() const override;

  // LoRA adapters (lora_rank > 0): their weights alone ("block_<i>/<target>_lora_{a,b}"),
  // and a copy of this model without adapters whose kernels have the update merged in
  // (W + alpha / r A B), which generates as fast as the base model.
  std::vector<std::pair<std::string, Tensor>> lora_weights() const;
  std::shared_ptr<CausalLM> merged() const;

  // Weight-only int8 (ops/quantized_linear.h) for inference: every projection kernel and
  // the output head read Q8_0 weights from now on (the float weights stay for saving).
  // ValueError with LoRA adapters (merge them first); training a quantized model is refused.
  void quantize_int8();
  bool quantized() const { return !quantized_.empty(); }
  int64_t quantized_bytes() const;  // of the int8 kernels and head

  // An empty cache for `batch` rows holding up to context_length tokens. left_padding
  // (one count per row, or empty for none) says how many leading slots of each row are pads.
  KVCache new_cache(int64_t batch, std::vector<int64_t> left_padding = {});
  // ids (batch, t) int64, the next t tokens of every row (pads included in the first call).
  // Appends their keys and values to the cache and returns logits (batch, t, vocab) without
  // a graph. ValueError when the cache would pass context_length (naming both numbers).
  Tensor forward_cached(const Tensor& ids, KVCache& cache);

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  const Tensor& w(const std::string& name) const;  // a weight by name, through an index built at build
  bool has(const std::string& name) const { return index_.count(name) > 0; }
  Tensor token_ids(const Tensor& x) const;
  void check_cache(const KVCache& cache) const;  // ValueError naming what does not fit
  Tensor embed(const Tensor& ids, const Tensor& positions) const;
  Tensor norm(const Tensor& x, const std::string& prefix) const;
  Tensor project(const Tensor& x, const std::string& prefix) const;  // kernel, plus bias if any
  Tensor attention_block(const Tensor& x, int64_t block, const Tensor& positions, const Tensor& key_mask,
                         KVCache* cache, bool training);
  Tensor mlp_block(const Tensor& x, int64_t block, bool training) const;
  Tensor logits(const Tensor& x) const;
  Tensor run(const Tensor& ids, const Tensor& positions, KVCache* cache, bool training);

  int64_t vocab_size_, context_length_, d_model_, num_layers_, num_heads_, kv_heads_, ff_dim_;
  CausalLMOptions options_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, std::shared_ptr<Q8Weight>> quantized_;  // by projection prefix, and "head"
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::CausalLM> CausalLM(int64_t vocab_size, int64_t context_length, int64_t d_model,
                                              int64_t num_layers, int64_t num_heads, int64_t ff_dim,
                                              const nn::CausalLMOptions& options = {}) {
  return std::make_shared<nn::CausalLM>(vocab_size, context_length, d_model, num_layers, num_heads, ff_dim, options);
}
}  // namespace deepfin::layers
