// CausalLM's forward pass, for training (whole sequences, causal attention) and
// for generation (new tokens against a KV cache).
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "deepfin/autograd/node.h"
#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/ops/activations.h"
#include "deepfin/ops/attention.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/embedding_lookup.h"
#include "deepfin/ops/fused_dropout.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/normalization.h"
#include "deepfin/ops/rotary.h"

namespace deepfin::nn {
namespace {

// (B, T, heads * head_dim) -> (B, heads, T, head_dim)
Tensor split_heads(const Tensor& x, int64_t heads) {
  return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).permute({0, 2, 1, 3});
}

// Each of the kv heads serves `group` query heads: (B, Hkv, L, d) -> (B, Hkv * group, L, d).
Tensor repeat_kv(const Tensor& x, int64_t group) {
  if (group == 1) return x;
  const int64_t b = x.size(0), h = x.size(1), l = x.size(2), d = x.size(3);
  return x.unsqueeze(2).broadcast_to({b, h, group, l, d}).reshape({b, h * group, l, d});
}

// Copies (B, H, t, d) new keys or values into slots [at, at + t) of the (B, H, capacity, d) cache.
void append_to_cache(const Tensor& cache, const Tensor& fresh, int64_t at) {
  const Tensor src = fresh.contiguous();
  const int64_t rows = src.size(0) * src.size(1), t = src.size(2), d = src.size(3), capacity = cache.size(2);
  const size_t bytes = dtype_size(src.dtype());
  const char* from = static_cast<const char*>(src.raw_data());
  char* to = static_cast<char*>(cache.raw_data());
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(to + static_cast<size_t>((r * capacity + at) * d) * bytes,
                from + static_cast<size_t>(r * t * d) * bytes, static_cast<size_t>(t * d) * bytes);
}

// (B, 1, t, length + t): query i of row b sees key j when the row's pads are behind j and j <= length + i.
Tensor cache_mask(const KVCache& cache, int64_t t) {
  const int64_t keys = cache.length + t;
  std::vector<float> m(static_cast<size_t>(cache.batch * t * keys), 0.0f);
  for (int64_t b = 0; b < cache.batch; ++b) {
    const int64_t pad = cache.left_padding.empty() ? 0 : cache.left_padding[static_cast<size_t>(b)];
    for (int64_t i = 0; i < t; ++i)
      for (int64_t j = pad; j <= cache.length + i; ++j) m[static_cast<size_t>((b * t + i) * keys + j)] = 1.0f;
  }
  return from_vector(m, {cache.batch, 1, t, keys});
}

bool has_padding(const KVCache& cache) {
  for (int64_t p : cache.left_padding)
    if (p > 0) return true;
  return false;
}

}  // namespace

Tensor CausalLM::token_ids(const Tensor& x) const {
  const std::vector<double> values = x.detach().to_vector<double>();
  const int64_t per_row = x.size(0) > 0 ? x.numel() / x.size(0) : 1;
  std::vector<int64_t> ids(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= 0.0 && v < static_cast<double>(vocab_size_) && v == std::floor(v)))
      throw ValueError(fmt::format("CausalLM '{}': row {}, position {}: token id {} is not an integer in [0, {})",
                                   name(), static_cast<int64_t>(i) / per_row, static_cast<int64_t>(i) % per_row, v,
                                   vocab_size_));
    ids[i] = static_cast<int64_t>(v);
  }
  return from_vector(ids, x.shape());
}

Tensor CausalLM::embed(const Tensor& ids, const Tensor& positions) const {
  const Tensor tokens = embedding_lookup(w("token_embedding"), ids);
  if (options_.positions != "learned") return tokens;
  return add(tokens, embedding_lookup(w("position_embedding"), positions));
}

Tensor CausalLM::norm(const Tensor& x, const std::string& prefix) const {
  if (options_.norm == "rms") return rms_norm(x, w(prefix + "/gamma"), options_.norm_epsilon);
  return layer_norm(x, w(prefix + "/gamma"), w(prefix + "/beta"), options_.norm_epsilon);
}

Tensor CausalLM::project(const Tensor& x, const std::string& prefix) const {
  if (const auto q = quantized_.find(prefix); q != quantized_.end())
    return q8_linear(x, *q->second, options_.use_bias ? w(prefix + "_bias") : Tensor());
  const Tensor base = linear(x, w(prefix + "_kernel"), options_.use_bias ? w(prefix + "_bias") : Tensor());
  if (!has(prefix + "_lora_a")) return base;
  const double scale = options_.lora_alpha / static_cast<double>(options_.lora_rank);
  return add(base, mul(matmul(matmul(x, w(prefix + "_lora_a")), w(prefix + "_lora_b")), scale));
}

Tensor CausalLM::attention_block(const Tensor& x, int64_t block, const Tensor& positions, const Tensor& key_mask,
                                 KVCache* cache, bool training) {
  const std::string p = fmt::format("block_{}/", block);
  const Tensor h = norm(x, p + "attention_norm");
  Tensor q = split_heads(project(h, p + "query"), num_heads_);
  Tensor k = split_heads(project(h, p + "key"), kv_heads_);
  Tensor v = split_heads(project(h, p + "value"), kv_heads_);
  if (options_.positions == "rope") {
    q = rotary_embedding(q, positions, options_.rope_base);
    k = rotary_embedding(k, positions, options_.rope_base);
  }
  const int64_t t = x.size(1);
  AttentionOptions ao{.causal = options_.attention == "causal", .dropout = options_.dropout, .training = training};
  Tensor mask = key_mask;
  if (cache != nullptr) {
    const size_t i = static_cast<size_t>(block);
    append_to_cache(cache->keys[i], k, cache->length);
    append_to_cache(cache->values[i], v, cache->length);
    k = cache->keys[i].slice(2, 0, cache->length + t);
    v = cache->values[i].slice(2, 0, cache->length + t);
    // A fresh cache without pads is the training case; otherwise the mask says what each query sees.
    if (cache->length > 0 || has_padding(*cache)) {
      ao.causal = false;
      if (t > 1 || has_padding(*cache)) mask = cache_mask(*cache, t);
    }
  }
  const int64_t group = num_heads_ / kv_heads_;
  const Tensor o = attention(q, repeat_kv(k, group), repeat_kv(v, group), mask, ao);
  const Tensor merged = o.permute({0, 2, 1, 3}).reshape({x.size(0), t, d_model_});
  return dropout_add(project(merged, p + "output"), x, options_.dropout, training);
}

Tensor CausalLM::mlp_block(const Tensor& x, int64_t block, bool training) const {
  const std::string p = fmt::format("block_{}/", block);
  const Tensor h = norm(x, p + "mlp_norm");
  Tensor hidden;
  if (options_.mlp == "swiglu") {
    const Tensor gate = project(h, p + "gate");
    hidden = mul(mul(gate, sigmoid(gate)), project(h, p + "up"));
  } else {
    hidden = gelu(project(h, p + "up"), /*approximate=*/options_.mlp == "gelu");
  }
  return dropout_add(project(hidden, p + "down"), x, options_.dropout, training);
}

Tensor CausalLM::logits(const Tensor& x) const {
  const Tensor h = norm(x, "final_norm");
  if (options_.output == "hidden") return h;
  if (const auto q = quantized_.find("head"); q != quantized_.end()) return q8_linear(h, *q->second);
  if (options_.tie_embeddings) return matmul(h, w("token_embedding").transpose(0, 1));
  return linear(h, w("output_kernel"));
}

Tensor CausalLM::run(const Tensor& ids, const Tensor& positions, KVCache* cache, bool training) {
  Tensor x = embed(ids, positions);
  // An encoder's pads must not be seen as keys (a decoder's right padding never is).
  Tensor key_mask;
  if (options_.attention == "bidirectional" && options_.pad_id >= 0) {
    const std::vector<int64_t> id = ids.contiguous().to_vector<int64_t>();
    std::vector<float> keep(id.size());
    for (size_t i = 0; i < id.size(); ++i) keep[i] = id[i] != options_.pad_id ? 1.0f : 0.0f;
    key_mask = from_vector(keep, {ids.size(0), 1, 1, ids.size(1)});
  }
  for (int64_t b = 0; b < num_layers_; ++b) {
    x = attention_block(x, b, positions, key_mask, cache, training);
    x = mlp_block(x, b, training);
  }
  return logits(x);
}

Tensor CausalLM::forward(const Tensor& x, bool training) {
  if (training && quantized())
    throw ValueError(fmt::format("CausalLM '{}': an int8-quantized model is for inference; it cannot train", name()));
  return run(token_ids(x), position_range(0, x.size(1)), nullptr, training);
}

Tensor CausalLM::compute_mask(const Tensor& x, const Tensor& mask) const {
  if (options_.pad_id < 0) return mask;
  const std::vector<double> ids = x.detach().to_vector<double>();
  std::vector<float> keep(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) keep[i] = ids[i] != static_cast<double>(options_.pad_id) ? 1.0f : 0.0f;
  return from_vector(keep, x.shape()).to(dtype());
}

// A cache is a public struct: one made for another model, or edited, must not be written past its end.
void CausalLM::check_cache(const KVCache& cache) const {
  const Shape shape{cache.batch, kv_heads_, context_length_, head_dim()};
  auto bad = [&](const std::string& what) {
    return ValueError(fmt::format("CausalLM '{}': the KV cache does not fit this model: {}", name(), what));
  };
  if (static_cast<int64_t>(cache.keys.size()) != num_layers_ || cache.values.size() != cache.keys.size())
    throw bad(
        fmt::format("{} key and {} value blocks for {} layers", cache.keys.size(), cache.values.size(), num_layers_));
  for (size_t i = 0; i < cache.keys.size(); ++i)
    for (const Tensor* t : {&cache.keys[i], &cache.values[i]})
      if (!t->defined() || t->shape() != shape || t->dtype() != dtype() || !t->is_contiguous())
        throw bad(fmt::format("block {} must hold contiguous {} tensors of shape {}", i, dtype_name(dtype()),
                              shape_str(shape)));
  if (cache.length < 0 || cache.length > context_length_) throw bad(fmt::format("length {}", cache.length));
  if (!cache.left_padding.empty() && static_cast<int64_t>(cache.left_padding.size()) != cache.batch)
    throw bad(fmt::format("{} left-padding entries for a batch of {}", cache.left_padding.size(), cache.batch));
}

KVCache CausalLM::new_cache(int64_t batch, std::vector<int64_t> left_padding) {
  if (!built()) build({context_length_});
  if (batch < 1) throw ValueError(fmt::format("CausalLM '{}': a KV cache needs batch >= 1, got {}", name(), batch));
  if (!left_padding.empty() && static_cast<int64_t>(left_padding.size()) != batch)
    throw ValueError(fmt::format("CausalLM '{}': left_padding has {} entries for a batch of {}", name(),
                                 left_padding.size(), batch));
  for (int64_t p : left_padding)
    if (p < 0 || p >= context_length_)
      throw ValueError(fmt::format("CausalLM '{}': left padding {} is outside [0, {})", name(), p, context_length_));
  KVCache cache;
  cache.batch = batch;
  cache.left_padding = std::move(left_padding);
  for (int64_t i = 0; i < num_layers_; ++i) {
    cache.keys.push_back(zeros({batch, kv_heads_, context_length_, head_dim()}, dtype()));
    cache.values.push_back(zeros({batch, kv_heads_, context_length_, head_dim()}, dtype()));
  }
  return cache;
}

Tensor CausalLM::forward_cached(const Tensor& ids, KVCache& cache) {
  if (!built()) build({context_length_});
  if (options_.attention != "causal")
    throw ValueError(fmt::format("CausalLM '{}': a bidirectional (masked-LM) model has no KV cache", name()));
  if (ids.dtype() != DType::int64 || ids.dim() != 2 || ids.size(0) != cache.batch)
    throw ShapeError(fmt::format("CausalLM '{}': cached steps take int64 ids (batch = {}, steps), got {} {}", name(),
                                 cache.batch, dtype_name(ids.dtype()), shape_str(ids.shape())));
  check_cache(cache);
  const int64_t t = ids.size(1);
  if (cache.length + t > context_length_)
    throw ValueError(fmt::format("CausalLM '{}': {} cached + {} new tokens pass the context of {} tokens", name(),
                                 cache.length, t, context_length_));
  const Tensor contiguous_ids = ids.contiguous();
  const int64_t* id = contiguous_ids.data<int64_t>();
  std::vector<int64_t> positions(static_cast<size_t>(cache.batch * t));
  for (int64_t b = 0; b < cache.batch; ++b) {
    const int64_t pad = cache.left_padding.empty() ? 0 : cache.left_padding[static_cast<size_t>(b)];
    for (int64_t i = 0; i < t; ++i) {
      const int64_t token = id[b * t + i];
      if (token < 0 || token >= vocab_size_)
        throw ValueError(fmt::format("CausalLM '{}': row {}, position {}: token id {} is outside [0, {})", name(), b,
                                     cache.length + i, token, vocab_size_));
      positions[static_cast<size_t>(b * t + i)] = std::max<int64_t>(0, cache.length + i - pad);
    }
  }
  NoGradGuard no_grad;
  const Tensor out = run(contiguous_ids, from_vector(positions, {cache.batch, t}), &cache, false);
  cache.length += t;
  return out;
}

}  // namespace deepfin::nn
