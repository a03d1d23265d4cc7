// CausalLM: options, config round trip and weight creation. The forward pass and
// the KV cache live in causal_lm_forward.cpp.
#include "deepfin/nn/layers/causal_lm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/config.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"

namespace deepfin::nn {
namespace {

void require_positive(const std::string& layer, const char* what, int64_t v) {
  if (v < 1) throw ConfigError(fmt::format("CausalLM '{}': {} must be >= 1, got {}", layer, what, v));
}

void require_one_of(const std::string& layer, const char* what, const std::string& v,
                    std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return;
  std::string list;
  for (const char* a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
  throw ConfigError(fmt::format("CausalLM '{}': {} must be one of {}, got \"{}\"", layer, what, list, v));
}

}  // namespace

CausalLM::CausalLM(int64_t vocab_size, int64_t context_length, int64_t d_model, int64_t num_layers, int64_t num_heads,
                   int64_t ff_dim, const CausalLMOptions& options)
    : Layer("CausalLM", common_options(options)),
      vocab_size_(vocab_size),
      context_length_(context_length),
      d_model_(d_model),
      num_layers_(num_layers),
      num_heads_(num_heads),
      kv_heads_(options.num_kv_heads > 0 ? options.num_kv_heads : num_heads),
      ff_dim_(ff_dim),
      options_(options) {
  require_positive(name(), "vocab_size", vocab_size);
  require_positive(name(), "context_length", context_length);
  require_positive(name(), "d_model", d_model);
  require_positive(name(), "num_layers", num_layers);
  require_positive(name(), "num_heads", num_heads);
  require_positive(name(), "ff_dim", ff_dim);
  if (options.num_kv_heads < 0 || num_heads % kv_heads_ != 0)
    throw ConfigError(fmt::format("CausalLM '{}': num_kv_heads ({}) must divide num_heads ({}); 0 means num_heads",
                                  name(), options.num_kv_heads, num_heads));
  if (d_model % num_heads != 0)
    throw ConfigError(
        fmt::format("CausalLM '{}': d_model ({}) must be divisible by num_heads ({})", name(), d_model, num_heads));
  require_one_of(name(), "positions", options.positions, {"learned", "rope"});
  require_one_of(name(), "norm", options.norm, {"layer", "rms"});
  require_one_of(name(), "mlp", options.mlp, {"gelu", "gelu_exact", "swiglu"});
  if (options.positions == "rope" && head_dim() % 2 != 0)
    throw ConfigError(
        fmt::format("CausalLM '{}': rope needs an even head size, got d_model / num_heads = {}", name(), head_dim()));
  if (!(options.rope_base > 1.0))
    throw ConfigError(fmt::format("CausalLM '{}': rope_base must be > 1, got {}", name(), options.rope_base));
  if (!(options.dropout >= 0.0 && options.dropout < 1.0))
    throw ConfigError(fmt::format("CausalLM '{}': dropout must be in [0, 1), got {}", name(), options.dropout));
  if (options.lora_rank < 0 || !(options.lora_alpha > 0.0))
    throw ConfigError(fmt::format("CausalLM '{}': lora_rank must be >= 0 and lora_alpha > 0, got {} and {}", name(),
                                  options.lora_rank, options.lora_alpha));
  for (const std::string& target : options.lora_targets) {
    require_one_of(name(), "each of lora_targets", target, {"query", "key", "value", "output", "gate", "up", "down"});
    if (target == "gate" && options.mlp != "swiglu")
      throw ConfigError(fmt::format("CausalLM '{}': lora target \"gate\" needs mlp = \"swiglu\"", name()));
  }
  if (options.lora_rank > 0 && options.lora_targets.empty())
    throw ConfigError(fmt::format("CausalLM '{}': lora_rank {} with no lora_targets", name(), options.lora_rank));
  require_one_of(name(), "output", options.output, {"logits", "hidden"});
  require_one_of(name(), "attention", options.attention, {"causal", "bidirectional"});
  if (options.pad_id < -1 || options.pad_id >= vocab_size)
    throw ConfigError(fmt::format("CausalLM '{}': pad_id must be -1 (none) or a token id in [0, {}), got {}", name(),
                                  vocab_size, options.pad_id));
  if (!(options.norm_epsilon > 0.0))
    throw ConfigError(fmt::format("CausalLM '{}': norm_epsilon must be > 0, got {}", name(), options.norm_epsilon));
}

std::shared_ptr<Layer> CausalLM::from_config(const nlohmann::json& c) {
  const std::string owner = "CausalLM";
  const LayerOptions common = common_from_config(c);
  const CausalLMOptions d;
  CausalLMOptions o{.num_kv_heads = config::value(c, "num_kv_heads", d.num_kv_heads, owner),
                    .positions = config::value(c, "positions", d.positions, owner),
                    .rope_base = config::value(c, "rope_base", d.rope_base, owner),
                    .norm = config::value(c, "norm", d.norm, owner),
                    .mlp = config::value(c, "mlp", d.mlp, owner),
                    .use_bias = config::value(c, "use_bias", d.use_bias, owner),
                    .tie_embeddings = config::value(c, "tie_embeddings", d.tie_embeddings, owner),
                    .dropout = config::value(c, "dropout", d.dropout, owner),
                    .norm_epsilon = config::value(c, "norm_epsilon", d.norm_epsilon, owner),
                    .lora_rank = config::value(c, "lora_rank", d.lora_rank, owner),
                    .lora_alpha = config::value(c, "lora_alpha", d.lora_alpha, owner),
                    .lora_targets = config::value(c, "lora_targets", d.lora_targets, owner),
                    .output = config::value(c, "output", d.output, owner),
                    .pad_id = config::value(c, "pad_id", d.pad_id, owner),
                    .attention = config::value(c, "attention", d.attention, owner),
                    .name = common.name,
                    .input_shape = common.input_shape,
                    .dtype = common.dtype,
                    .trainable = common.trainable};
  return std::make_shared<CausalLM>(
      config::required<int64_t>(c, "vocab_size", owner), config::required<int64_t>(c, "context_length", owner),
      config::required<int64_t>(c, "d_model", owner), config::required<int64_t>(c, "num_layers", owner),
      config::required<int64_t>(c, "num_heads", owner), config::required<int64_t>(c, "ff_dim", owner), o);
}

nlohmann::json CausalLM::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["vocab_size"] = vocab_size_;
  c["context_length"] = context_length_;
  c["d_model"] = d_model_;
  c["num_layers"] = num_layers_;
  c["num_heads"] = num_heads_;
  c["ff_dim"] = ff_dim_;
  c["num_kv_heads"] = options_.num_kv_heads;  // 0: num_heads
  c["positions"] = options_.positions;
  c["rope_base"] = options_.rope_base;
  c["norm"] = options_.norm;
  c["mlp"] = options_.mlp;
  c["use_bias"] = options_.use_bias;
  c["tie_embeddings"] = options_.tie_embeddings;
  c["dropout"] = options_.dropout;
  c["norm_epsilon"] = options_.norm_epsilon;
  c["lora_rank"] = options_.lora_rank;
  c["lora_alpha"] = options_.lora_alpha;
  c["lora_targets"] = options_.lora_targets;
  c["output"] = options_.output;
  c["pad_id"] = options_.pad_id;
  c["attention"] = options_.attention;
  return c;
}

Shape CausalLM::compute_output_shape(const Shape& in) const {
  if (in.size() != 1)
    throw ShapeError(fmt::format("CausalLM '{}': input must be (batch, steps) token ids, got per-sample shape {}",
                                 name(), shape_str(in)));
  if (in[0] < 1 || in[0] > context_length_)
    throw ShapeError(
        fmt::format("CausalLM '{}': {} steps do not fit the context of {} tokens", name(), in[0], context_length_));
  return {in[0], options_.output == "hidden" ? d_model_ : vocab_size_};
}

void CausalLM::build_weights(const Shape& /*input_shape*/) {
  const double std = 0.02;
  const double residual_std = std / std::sqrt(2.0 * static_cast<double>(num_layers_));
  const bool lora = options_.lora_rank > 0;
  const bool base_trainable = !lora;  // LoRA trains the adapters alone
  auto normal = [&](const std::string& weight, const Shape& shape, double stddev) {
    const Tensor value = add_weight(weight, shape, "zeros", base_trainable);
    assign_values(value, randn(shape, dtype(), 0.0, stddev));
  };
  auto norm_weights = [&](const std::string& prefix) {
    add_weight(prefix + "/gamma", {d_model_}, "ones", base_trainable);
    if (options_.norm == "layer") add_weight(prefix + "/beta", {d_model_}, "zeros", base_trainable);
  };
  auto dense = [&](const std::string& prefix, int64_t in, int64_t out, double stddev) {
    normal(prefix + "_kernel", {in, out}, stddev);
    if (options_.use_bias) add_weight(prefix + "_bias", {out}, "zeros", base_trainable);
    const std::string target = prefix.substr(prefix.rfind('/') + 1);
    if (!lora ||
        std::find(options_.lora_targets.begin(), options_.lora_targets.end(), target) == options_.lora_targets.end())
      return;
    // A as nn.Linear's default (Kaiming-uniform, bound 1/sqrt(in)), B zero: the update starts at 0.
    const Tensor a = add_weight(prefix + "_lora_a", {in, options_.lora_rank}, "zeros");
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    assign_values(a, rand_uniform({in, options_.lora_rank}, -bound, bound, dtype()));
    add_weight(prefix + "_lora_b", {options_.lora_rank, out}, "zeros");
  };
  normal("token_embedding", {vocab_size_, d_model_}, std);
  if (options_.positions == "learned") normal("position_embedding", {context_length_, d_model_}, 0.01);
  const int64_t kv_width = kv_heads_ * head_dim();
  for (int64_t i = 0; i < num_layers_; ++i) {
    const std::string p = fmt::format("block_{}/", i);
    norm_weights(p + "attention_norm");
    dense(p + "query", d_model_, d_model_, std);
    dense(p + "key", d_model_, kv_width, std);
    dense(p + "value", d_model_, kv_width, std);
    dense(p + "output", d_model_, d_model_, residual_std);
    norm_weights(p + "mlp_norm");
    if (options_.mlp == "swiglu") dense(p + "gate", d_model_, ff_dim_, std);
    dense(p + "up", d_model_, ff_dim_, std);
    dense(p + "down", ff_dim_, d_model_, residual_std);
  }
  norm_weights("final_norm");
  if (!options_.tie_embeddings && options_.output == "logits") normal("output_kernel", {d_model_, vocab_size_}, std);
  for (size_t i = 0; i < weights().size(); ++i) index_[weights()[i].name] = i;
}

std::vector<std::pair<std::string, Tensor>> CausalLM::lora_weights() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const Weight& wt : weights())
    if (wt.name.find("_lora_") != std::string::npos) out.emplace_back(wt.name, wt.value);
  return out;
}

std::shared_ptr<CausalLM> CausalLM::merged() const {
  CausalLMOptions o = options_;
  o.lora_rank = 0;
  o.name = name();
  auto out = std::make_shared<CausalLM>(vocab_size_, context_length_, d_model_, num_layers_, num_heads_, ff_dim_, o);
  if (!built()) return out;
  out->build(input_shape());
  const double scale = options_.lora_rank > 0 ? options_.lora_alpha / static_cast<double>(options_.lora_rank) : 0.0;
  for (const Weight& wt : out->weights()) {
    Tensor value = w(wt.name).detach();
    const std::string prefix = wt.name.size() > 7 ? wt.name.substr(0, wt.name.size() - 7) : "";  // "_kernel"
    if (wt.name.ends_with("_kernel") && has(prefix + "_lora_a"))
      value = add(value, mul(matmul(w(prefix + "_lora_a").detach(), w(prefix + "_lora_b").detach()), scale));
    assign_values(wt.value, value);
  }
  return out;
}

void CausalLM::quantize_int8() {
  if (options_.lora_rank > 0)
    throw ValueError(fmt::format("CausalLM '{}': merge the LoRA adapters (merged()) before quantizing", name()));
  if (dtype() != DType::float32)
    throw ValueError(
        fmt::format("CausalLM '{}': int8 weights serve float32 models; this one is {}", name(), dtype_name(dtype())));
  if (!built()) build({context_length_});
  quantized_.clear();
  for (const Weight& wt : weights())
    if (wt.name.ends_with("_kernel") && wt.name != "output_kernel")
      quantized_[wt.name.substr(0, wt.name.size() - 7)] = std::make_shared<Q8Weight>(Q8Weight::quantize(wt.value));
  if (options_.output == "logits")
    quantized_["head"] = std::make_shared<Q8Weight>(options_.tie_embeddings
                                                        ? Q8Weight::quantize(w("token_embedding"), /*out_by_in=*/true)
                                                        : Q8Weight::quantize(w("output_kernel")));
}

int64_t CausalLM::quantized_bytes() const {
  int64_t total = 0;
  for (const auto& [prefix, q] : quantized_) total += q->bytes();
  return total;
}

const Tensor& CausalLM::w(const std::string& weight) const {
  return weight_at(index_.at(weight));
}

}  // namespace deepfin::nn
