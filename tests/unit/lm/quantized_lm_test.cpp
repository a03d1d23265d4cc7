// An int8-quantized CausalLM: logits close to the float model's, the same through
// the cache, far fewer bytes, and the refusals (training, unmerged LoRA).
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/lm/generate.h"
#include "deepfin/lm/lora_files.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

TEST(QuantizedLM, LogitsStayCloseAndTheCacheAgrees) {
  for (bool llama : {false, true}) {
    set_random_seed(31);
    auto lm = llama ? layers::CausalLM(50, 16, 64, 2, 4, 96,
                                       {.num_kv_heads = 2,
                                        .positions = "rope",
                                        .norm = "rms",
                                        .mlp = "swiglu",
                                        .use_bias = false,
                                        .tie_embeddings = false})
                    : layers::CausalLM(50, 16, 64, 2, 4, 96);
    const Tensor ids = from_vector(std::vector<float>{3, 1, 4, 1, 5, 9, 2, 6}, {1, 8});
    const Tensor exact = lm->call(ids);
    const int64_t float_bytes = lm->count_params() * 4;
    lm->quantize_int8();
    ASSERT_TRUE(lm->quantized());
    EXPECT_LT(lm->quantized_bytes(), float_bytes / 3);
    const Tensor approx = lm->call(ids);
    double largest = 0;
    for (double v : exact.to_vector<double>()) largest = std::max(largest, std::fabs(v));
    EXPECT_TRUE(testing::all_close(approx, exact, 0.05 * largest, 0));  // within 5 % of the logits' range
    EXPECT_FALSE(testing::all_close(approx, exact, 0, 0));              // the int8 path did run
    const lm::GenerateOptions greedy{.max_new_tokens = 6, .sampling = {.temperature = 0}};
    EXPECT_EQ(lm::generate(*lm, {{3, 1, 4}}, greedy).tokens,
              lm::generate(*lm, {{3, 1, 4}}, {.max_new_tokens = 6, .sampling = {.temperature = 0}, .use_cache = false})
                  .tokens);
    EXPECT_THROW(lm->call(ids, /*training=*/true), ValueError);
  }
  auto base = layers::CausalLM(50, 16, 64, 1, 4, 96);
  base->build({8});
  EXPECT_THROW(lm::with_lora(*base, 2, 4.0, {"query"}, 0.0)->quantize_int8(), ValueError);
}

}  // namespace
}  // namespace deepfin
