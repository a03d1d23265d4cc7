#include "deepfin/lm/gpt2_checkpoint.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/io/safetensors.h"

namespace deepfin::lm {
namespace {

namespace fs = std::filesystem;

// The tensors by GPT-2 name, the "transformer." prefix removed.
std::map<std::string, Tensor> gpt2_tensors(const std::string& path) {
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : io::load_safetensors(path).tensors) {
    const std::string prefix = "transformer.";
    out[name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name] = t;
  }
  return out;
}

const Tensor& need(const std::map<std::string, Tensor>& t, const std::string& path, const std::string& name,
                   const Shape& shape) {
  const auto it = t.find(name);
  if (it == t.end()) throw FileError(fmt::format("{}: GPT-2 tensor '{}' is missing", path, name));
  if (it->second.shape() != shape)
    throw FileError(fmt::format("{}: GPT-2 tensor '{}' has shape {}, expected {}", path, name,
                                shape_str(it->second.shape()), shape_str(shape)));
  if (it->second.dtype() != DType::float32 && it->second.dtype() != DType::float64)
    throw FileError(fmt::format("{}: GPT-2 tensor '{}' must be F32 or F64", path, name));
  return it->second;
}

struct Gpt2Config {
  int64_t heads = 0;
  double epsilon = 1e-5;
};

Gpt2Config read_config(const std::string& path, int64_t d_model) {
  Gpt2Config c{.heads = d_model / 64};
  const fs::path file = fs::path(path).parent_path() / "config.json";
  if (fs::exists(file)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(io::read_file(file.string()));
      if (j.contains("n_head")) c.heads = j.at("n_head").get<int64_t>();
      if (j.contains("layer_norm_epsilon")) c.epsilon = j.at("layer_norm_epsilon").get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw FileError(fmt::format("{}: not a GPT-2 config: {}", file.string(), e.what()));
    }
  }
  if (c.heads < 1 || d_model % c.heads != 0)
    throw FileError(fmt::format("{}: {} heads do not divide d_model {} (n_head in config.json, else d_model / 64)",
                                path, c.heads, d_model));
  return c;
}

}  // namespace

bool is_gpt2_checkpoint(const std::string& path) {
  std::error_code ec;
  const auto file_size = fs::file_size(path, ec);
  if (ec || file_size < 8) return false;
  std::ifstream in(path, std::ios::binary);
  unsigned char size_bytes[8];
  if (!in.read(reinterpret_cast<char*>(size_bytes), 8)) return false;
  uint64_t size = 0;
  for (int i = 7; i >= 0; --i) size = (size << 8) | size_bytes[i];
  if (size == 0 || size > (uint64_t{100} << 20) || size > file_size - 8) return false;
  std::string header(size, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(size))) return false;
  const nlohmann::json j = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  return j.is_object() && (j.contains("wte.weight") || j.contains("transformer.wte.weight"));
}

std::shared_ptr<nn::CausalLM> load_gpt2_weights(const std::string& path) {
  const std::map<std::string, Tensor> t = gpt2_tensors(path);
  const auto wte = t.find("wte.weight"), wpe = t.find("wpe.weight");
  if (wte == t.end() || wte->second.dim() != 2)
    throw FileError(fmt::format("{}: GPT-2 tensor 'wte.weight' (V, D) is missing", path));
  if (wpe == t.end() || wpe->second.dim() != 2)
    throw FileError(fmt::format("{}: GPT-2 tensor 'wpe.weight' (C, D) is missing", path));
  const int64_t vocab = wte->second.size(0), d = wte->second.size(1), context = wpe->second.size(0);
  int64_t layers = 0;
  while (t.count(fmt::format("h.{}.ln_1.weight", layers))) ++layers;
  if (layers == 0) throw FileError(fmt::format("{}: GPT-2 tensor 'h.0.ln_1.weight' is missing", path));
  const auto fc = t.find("h.0.mlp.c_fc.weight");
  if (fc == t.end() || fc->second.dim() != 2)
    throw FileError(fmt::format("{}: GPT-2 tensor 'h.0.mlp.c_fc.weight' is missing", path));
  const int64_t ff = fc->second.size(1);
  const Gpt2Config config = read_config(path, d);

  auto lm = std::make_shared<nn::CausalLM>(vocab, context, d, layers, config.heads, ff,
                                           nn::CausalLMOptions{.norm_epsilon = config.epsilon});
  lm->build({context});
  auto set = [&](const std::string& ours, const Tensor& value) { nn::assign_values(lm->weight(ours), value); };
  set("token_embedding", need(t, path, "wte.weight", {vocab, d}));
  set("position_embedding", need(t, path, "wpe.weight", {context, d}));
  for (int64_t i = 0; i < layers; ++i) {
    const std::string h = fmt::format("h.{}.", i), b = fmt::format("block_{}/", i);
    set(b + "attention_norm/gamma", need(t, path, h + "ln_1.weight", {d}));
    set(b + "attention_norm/beta", need(t, path, h + "ln_1.bias", {d}));
    const Tensor& qkv = need(t, path, h + "attn.c_attn.weight", {d, 3 * d});
    const Tensor& qkv_bias = need(t, path, h + "attn.c_attn.bias", {3 * d});
    const char* parts[] = {"query", "key", "value"};
    for (int64_t p = 0; p < 3; ++p) {
      set(b + parts[p] + "_kernel", qkv.slice(1, p * d, (p + 1) * d));
      set(b + parts[p] + "_bias", qkv_bias.slice(0, p * d, (p + 1) * d));
    }
    set(b + "output_kernel", need(t, path, h + "attn.c_proj.weight", {d, d}));
    set(b + "output_bias", need(t, path, h + "attn.c_proj.bias", {d}));
    set(b + "mlp_norm/gamma", need(t, path, h + "ln_2.weight", {d}));
    set(b + "mlp_norm/beta", need(t, path, h + "ln_2.bias", {d}));
    set(b + "up_kernel", need(t, path, h + "mlp.c_fc.weight", {d, ff}));
    set(b + "up_bias", need(t, path, h + "mlp.c_fc.bias", {ff}));
    set(b + "down_kernel", need(t, path, h + "mlp.c_proj.weight", {ff, d}));
    set(b + "down_bias", need(t, path, h + "mlp.c_proj.bias", {d}));
  }
  set("final_norm/gamma", need(t, path, "ln_f.weight", {d}));
  set("final_norm/beta", need(t, path, "ln_f.bias", {d}));
  if (const auto head = t.find("lm_head.weight"); head != t.end()) {
    const Tensor& w = need(t, path, "lm_head.weight", {vocab, d});
    if (w.to(DType::float64).to_vector<double>() != wte->second.to(DType::float64).to_vector<double>())
      throw FileError(fmt::format("{}: 'lm_head.weight' differs from 'wte.weight'; only tied GPT-2 heads load", path));
  }
  return lm;
}

Gpt2Model load_gpt2(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  const std::string vocab = (dir / "vocab.json").string(), merges = (dir / "merges.txt").string();
  for (const std::string& f : {vocab, merges})
    if (!fs::exists(f))
      throw FileError(
          fmt::format("{}: a GPT-2 checkpoint needs its tokenizer files beside it; {} is missing", path, f));
  Gpt2Model m{
      .network = load_gpt2_weights(path),
      .tokenizer = std::make_shared<text::ByteBpeTokenizer>(text::ByteBpeTokenizer::from_gpt2_files(vocab, merges))};
  if (m.tokenizer->vocab_size() > m.network->vocab_size())  // a padded wte may have more rows
    throw FileError(fmt::format("{}: the tokenizer ({}, {}) has {} tokens but the model's wte has {} rows", path, vocab,
                                merges, m.tokenizer->vocab_size(), m.network->vocab_size()));
  return m;
}

}  // namespace deepfin::lm
