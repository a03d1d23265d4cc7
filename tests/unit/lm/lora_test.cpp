// LoRA on the CausalLM: adapters start as a no-op and are all that trains,
// gradients are right in float64, merging is exact, and adapter files round-trip
// or name what does not fit.
#include <gtest/gtest.h>

#include <filesystem>

#include "deepfin/io/safetensors.h"
#include "deepfin/lm/lora_files.h"
#include "deepfin/ops/elementwise.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

std::shared_ptr<nn::CausalLM> base_model() {
  set_random_seed(21);
  auto lm = layers::CausalLM(9, 8, 8, 2, 2, 12, {.mlp = "swiglu", .dtype = DType::float64});
  lm->build({5});
  return lm;
}

const Tensor kIds = from_vector(std::vector<double>{1, 4, 2, 8, 0, 3, 3, 7, 5, 6}, {2, 5});

TEST(Lora, AdaptersStartAsANoOpAndAloneTrain) {
  auto base = base_model();
  auto tuned = lm::with_lora(*base, 2, 8.0, {"query", "value", "gate", "down"}, 0.0);
  EXPECT_TRUE(all_close(tuned->call(kIds), base->call(kIds), 0, 0));
  // 2 blocks x (query 8x2 + 2x8, value 16 + 16, gate 16 + 2x12, down 12x2 + 16).
  int64_t trainable = 0;
  for (const Tensor& t : tuned->trainable_weights()) trainable += t.numel();
  EXPECT_EQ(trainable, 2 * (32 + 32 + 40 + 40));
  EXPECT_EQ(tuned->lora_weights().size(), 16u);
  EXPECT_THROW(lm::with_lora(*layers::CausalLM(9, 8, 8, 1, 2, 12), 2, 8.0, {"query"}, 0.0), ValueError);
  EXPECT_THROW(layers::CausalLM(9, 8, 8, 1, 2, 12, {.lora_rank = 2, .lora_targets = {"gate"}}), ConfigError);
  EXPECT_THROW(layers::CausalLM(9, 8, 8, 1, 2, 12, {.lora_rank = 2, .lora_targets = {"attention"}}), ConfigError);
}

TEST(Lora, GradcheckAdaptersAndMergeIsExact) {
  auto tuned = lm::with_lora(*base_model(), 2, 4.0, {"query", "up"}, 0.0);
  std::vector<Tensor> inputs = {kIds};
  std::vector<size_t> slots;
  for (size_t i = 0; i < tuned->weights().size(); ++i)
    if (tuned->weights()[i].name.find("_lora_") != std::string::npos) {
      Generator gen(40 + i);
      slots.push_back(i);
      inputs.push_back(testing::random_double(tuned->weights()[i].value.shape(), gen, -0.5, 0.5));
    }
  auto f = [&](const std::vector<Tensor>& in) {
    for (size_t k = 0; k < slots.size(); ++k) tuned->weights()[slots[k]].value = in[k + 1];
    return tuned->call(in[0]);
  };
  EXPECT_TRUE(testing::gradcheck(f, inputs, {.skip = {0}}));
  f(inputs);  // the random adapters in place
  const Tensor expected = tuned->call(kIds);
  auto merged = tuned->merged();
  EXPECT_EQ(merged->options().lora_rank, 0);
  EXPECT_TRUE(all_close(merged->call(kIds), expected, 1e-12, 1e-12));
  EXPECT_FALSE(all_close(base_model()->call(kIds), expected, 1e-6, 1e-6));
  // New adapters on a tuned model start from its merged weights: nothing learned is lost.
  EXPECT_TRUE(all_close(lm::with_lora(*tuned, 2, 4.0, {"value"}, 0.0)->call(kIds), expected, 1e-12, 1e-12));
}

TEST(Lora, AdapterFilesRoundTripAndNameWhatDoesNotFit) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("deepfin_lora_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "adapters.safetensors").string();
  auto base = base_model();
  auto tuned = lm::with_lora(*base, 2, 4.0, {"query", "value"}, 0.0);
  for (auto& [name, t] : tuned->lora_weights()) nn::assign_values(t, add(t, 0.25));
  lm::save_lora_adapters(*tuned, path);
  EXPECT_LT(std::filesystem::file_size(path), 3000u);
  EXPECT_TRUE(all_close(lm::apply_lora_adapters(*base, path)->call(kIds), tuned->call(kIds), 0, 0));
  EXPECT_THROW(lm::save_lora_adapters(*base, path), ValueError);

  auto wider = layers::CausalLM(9, 8, 12, 2, 2, 12, {.mlp = "swiglu", .dtype = DType::float64});
  wider->build({5});
  try {
    lm::apply_lora_adapters(*wider, path);
    FAIL() << "adapters of another width were applied";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("'block_0/query_lora_a' has shape (8, 2), the model needs (12, 2)"),
              std::string::npos)
        << e.what();
  }
  io::save_safetensors(path, {{"x", zeros({2})}});
  EXPECT_THROW(lm::apply_lora_adapters(*base, path), FileError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace deepfin
