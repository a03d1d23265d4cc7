// The decoder language model against PyTorch (generate_lm_fixtures.py):
//   * a GPT-2 checkpoint in the Hugging Face layout (safetensors, config.json, vocab.json,
//     merges.txt) loads, tokenizes texts as the reference encoder does, and gives torch's
//     logits to 1e-4, through the full pass and through the KV cache;
//   * a Llama-style CausalLM (RoPE, RMSNorm, SwiGLU, grouped-query attention) given torch's
//     weights gives torch's logits in float64, full and cached.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "deepfin/io/safetensors.h"
#include "deepfin/lm/gpt2_checkpoint.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/fixtures.h"
#include "testing/gradcheck.h"
#include "testing/paths.h"

namespace deepfin {
namespace {

namespace fs = std::filesystem;

std::string gpt2_dir() {
  return testing::test_data_dir() + "/parity/fixtures/gpt2_tiny";
}

// Logits of `ids` one token at a time through the cache, (B, T, V).
Tensor cached_logits(nn::CausalLM& lm, const Tensor& ids) {
  nn::KVCache cache = lm.new_cache(ids.size(0));
  std::vector<Tensor> steps;
  for (int64_t t = 0; t < ids.size(1); ++t) steps.push_back(lm.forward_cached(ids.slice(1, t, t + 1), cache));
  return concat(steps, 1);
}

TEST(LmParity, Gpt2CheckpointMatchesTorch) {
  const nlohmann::json f = testing::load_fixture("lm_gpt2_tiny");
  const lm::Gpt2Model m = lm::load_gpt2(gpt2_dir() + "/model.safetensors");
  EXPECT_EQ(m.network->num_heads(), f.at("n_head").get<int64_t>());
  const Tensor ids = testing::fixture_tensor(f.at("ids"));
  const Tensor expected = testing::fixture_tensor(f.at("logits"));
  EXPECT_TRUE(testing::all_close(m.network->call(ids.to(DType::float32)), expected, 1e-4, 1e-4));
  EXPECT_TRUE(testing::all_close(cached_logits(*m.network, ids), expected, 1e-4, 1e-4));
  for (size_t i = 0; i < f.at("texts").size(); ++i) {
    const std::string text = f.at("texts")[i].get<std::string>();
    EXPECT_EQ(m.tokenizer->encode(text), f.at("text_ids")[i].get<std::vector<int64_t>>()) << text;
    EXPECT_EQ(m.tokenizer->decode(m.tokenizer->encode(text)), text);
  }
  EXPECT_TRUE(lm::is_gpt2_checkpoint(gpt2_dir() + "/model.safetensors"));
}

// The same GPT-2 stored in float16, as many downloads are: it loads, its weights are the
// float32 file's rounded to half precision (and not the same), and its logits match torch's
// forward pass on the float16 values (generate_gpt2_f16_fixture.py).
TEST(LmParity, Gpt2CheckpointInFloat16MatchesTorch) {
  const std::string f16 = testing::test_data_dir() + "/parity/fixtures/gpt2_tiny_f16/model.safetensors";
  const nlohmann::json f = testing::load_fixture("lm_gpt2_tiny_f16");
  const lm::Gpt2Model m = lm::load_gpt2(f16);
  const lm::Gpt2Model full = lm::load_gpt2(gpt2_dir() + "/model.safetensors");
  const std::vector<Tensor> half = m.network->trainable_weights(), single = full.network->trainable_weights();
  ASSERT_EQ(half.size(), single.size());
  size_t rounded = 0;
  for (size_t i = 0; i < half.size(); ++i) {
    const std::vector<float> a = half[i].to_vector<float>(), b = single[i].to_vector<float>();
    for (size_t j = 0; j < a.size(); ++j) {
      ASSERT_LE(std::abs(a[j] - b[j]), std::ldexp(std::abs(b[j]), -11) + 1e-7f) << i << " " << j;
      rounded += a[j] != b[j];
    }
  }
  EXPECT_GT(rounded, 0u);
  const Tensor ids = testing::fixture_tensor(f.at("ids"));
  const Tensor expected = testing::fixture_tensor(f.at("logits"));
  EXPECT_TRUE(testing::all_close(m.network->call(ids.to(DType::float32)), expected, 1e-4, 1e-4));
  EXPECT_TRUE(testing::all_close(cached_logits(*m.network, ids), expected, 1e-4, 1e-4));
}

// The fixture's CausalLM with torch's weights under deepfin's names; its logits match torch's
// in float64, through the full pass and the cache.
void check_fixture_model(const std::string& name) {
  const nlohmann::json f = testing::load_fixture(name);
  auto lm = std::dynamic_pointer_cast<nn::CausalLM>(
      nn::layer_from_config({{"class_name", "CausalLM"}, {"config", f.at("config")}}));
  ASSERT_TRUE(lm);
  lm->build({f.at("config").at("context_length").get<int64_t>()});
  ASSERT_EQ(lm->weights().size(), f.at("weights").size());
  for (const auto& [weight, value] : f.at("weights").items())
    nn::assign_values(lm->weight(weight), testing::fixture_tensor(value));
  const Tensor ids = testing::fixture_tensor(f.at("ids"));
  const Tensor expected = testing::fixture_tensor(f.at("logits"));
  EXPECT_TRUE(testing::all_close(lm->call(ids.to(DType::float64)), expected, 1e-10, 1e-10)) << name;
  EXPECT_TRUE(testing::all_close(cached_logits(*lm, ids), expected, 1e-10, 1e-10)) << name;
  if (lm->options().lora_rank > 0) {  // merging the adapters into the kernels changes nothing
    EXPECT_TRUE(testing::all_close(lm->merged()->call(ids.to(DType::float64)), expected, 1e-10, 1e-10)) << name;
  }
}

TEST(LmParity, LlamaStyleBlockMatchesTorch) {
  check_fixture_model("lm_llama_tiny");
}

TEST(LmParity, LoraUpdatesMatchTorch) {
  check_fixture_model("lm_lora_tiny");
}

// A damaged checkpoint names the tensor: a missing one and a mis-shaped one.
TEST(LmParity, DamagedGpt2FilesNameTheTensor) {
  const fs::path dir = fs::temp_directory_path() / ("deepfin_gpt2_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"config.json", "vocab.json", "merges.txt"}) fs::copy_file(gpt2_dir() + "/" + f, dir / f);
  io::SafetensorsFile file = io::load_safetensors(gpt2_dir() + "/model.safetensors");
  auto without = file.tensors;
  std::erase_if(without, [](const auto& t) { return t.first == "h.1.mlp.c_proj.bias"; });
  io::save_safetensors((dir / "model.safetensors").string(), without);
  try {
    lm::load_gpt2((dir / "model.safetensors").string());
    FAIL() << "a missing tensor loaded";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("'h.1.mlp.c_proj.bias' is missing"), std::string::npos) << e.what();
  }
  auto reshaped = file.tensors;
  for (auto& [name, t] : reshaped)
    if (name == "h.0.attn.c_proj.weight") t = t.transpose(0, 1).contiguous().reshape({4, -1});
  io::save_safetensors((dir / "model.safetensors").string(), reshaped);
  try {
    lm::load_gpt2((dir / "model.safetensors").string());
    FAIL() << "a mis-shaped tensor loaded";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("'h.0.attn.c_proj.weight' has shape (4, 64), expected (16, 16)"),
              std::string::npos)
        << e.what();
  }
  fs::remove(dir / "merges.txt");
  io::save_safetensors((dir / "model.safetensors").string(), file.tensors);
  EXPECT_THROW(lm::load_gpt2((dir / "model.safetensors").string()), FileError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace deepfin
