// Generation: the cache changes no token (greedy), batches match single rows,
// sampling follows its options, the stops work, and bad requests are named.
#include "deepfin/lm/generate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace deepfin {
namespace {

std::shared_ptr<nn::CausalLM> model(bool llama) {
  set_random_seed(5);
  if (!llama) return layers::CausalLM(17, 24, 16, 2, 2, 32);
  return layers::CausalLM(17, 24, 16, 2, 4, 24,
                          {.num_kv_heads = 2, .positions = "rope", .norm = "rms", .mlp = "swiglu", .use_bias = false});
}

TEST(Generate, CachedGreedyEqualsUncachedTokenForToken) {
  for (bool llama : {false, true}) {
    auto lm = model(llama);
    const std::vector<std::vector<int64_t>> prompt = {{3, 1, 4, 1, 5}};
    const lm::Generation cached = lm::generate(*lm, prompt, {.max_new_tokens = 15, .sampling = {.temperature = 0}});
    const lm::Generation uncached =
        lm::generate(*lm, prompt, {.max_new_tokens = 15, .sampling = {.temperature = 0}, .use_cache = false});
    EXPECT_EQ(cached.tokens, uncached.tokens);
    EXPECT_EQ(cached.tokens[0].size(), 15u);
    EXPECT_EQ(cached.finish[0], lm::FinishReason::max_tokens);
    EXPECT_EQ(cached.decoded, 14);
  }
}

TEST(Generate, BatchedPromptsOfDifferentLengthsMatchSingleRows) {
  auto lm = model(true);
  const std::vector<std::vector<int64_t>> prompts = {{3, 1, 4, 1, 5, 9}, {2, 7}, {8}};
  const lm::GenerateOptions greedy{.max_new_tokens = 8, .sampling = {.temperature = 0}};
  const lm::Generation batch = lm::generate(*lm, prompts, greedy);
  for (size_t r = 0; r < prompts.size(); ++r)
    EXPECT_EQ(batch.tokens[r], lm::generate(*lm, {prompts[r]}, greedy).tokens[0]) << "row " << r;
  EXPECT_EQ(batch.generated, 24);
}

TEST(Generate, StopTokensCallbacksAndTheContextEndRows) {
  auto lm = model(false);
  const lm::GenerateOptions greedy{.max_new_tokens = 6, .sampling = {.temperature = 0}};
  const std::vector<int64_t> free_run = lm::generate(*lm, {{1, 2}}, greedy).tokens[0];
  lm::GenerateOptions stop = greedy;
  stop.stop_tokens = {free_run[2]};
  const lm::Generation stopped = lm::generate(*lm, {{1, 2}}, stop);
  ASSERT_LE(stopped.tokens[0].size(), 3u);
  EXPECT_EQ(stopped.tokens[0].back(), free_run[2]);
  EXPECT_EQ(stopped.finish[0], lm::FinishReason::stop_token);
  std::vector<int64_t> streamed;
  const lm::Generation cut = lm::generate(*lm, {{1, 2}}, greedy, [&](int64_t row, int64_t token) {
    EXPECT_EQ(row, 0);
    streamed.push_back(token);
    return streamed.size() < 4;
  });
  EXPECT_EQ(cut.tokens[0], streamed);
  EXPECT_EQ(cut.tokens[0].size(), 4u);
  EXPECT_EQ(cut.finish[0], lm::FinishReason::callback);
  // 20 prompt tokens in a context of 24: 4 more can be fed, so 5 come out.
  const lm::Generation full = lm::generate(*lm, {std::vector<int64_t>(20, 3)}, {.max_new_tokens = 50});
  EXPECT_EQ(full.tokens[0].size(), 5u);
  EXPECT_EQ(full.finish[0], lm::FinishReason::context_full);
}

TEST(Sampling, OptionsShapeTheDistribution) {
  const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 0.5f};
  Generator gen(3);
  EXPECT_EQ(lm::sample_next_token(logits, {}, {.temperature = 0}, gen), 1);
  EXPECT_EQ(lm::sample_next_token(logits, {}, {.top_k = 1}, gen), 1);
  EXPECT_EQ(lm::sample_next_token(logits, {}, {.top_p = 0.01}, gen), 1);
  // Penalty 4 on token 1: 3 / 4 = 0.75 < 2, so token 2 is the arg-max; a negative logit is multiplied.
  EXPECT_EQ(lm::sample_next_token(logits, {1, 1}, {.temperature = 0, .repetition_penalty = 4}, gen), 2);
  EXPECT_EQ(lm::sample_next_token({-1.0f, -1.5f}, {0}, {.temperature = 0, .repetition_penalty = 2}, gen), 1);
  EXPECT_THROW(lm::sample_next_token({1.0f, std::nanf("")}, {}, {}, gen), ValueError);  // broken weights
  // Draws follow softmax(logits / T) restricted to the top 2: p(1) = e^3 / (e^3 + e^2).
  int ones = 0, others = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const int64_t t = lm::sample_next_token(logits, {}, {.top_k = 2}, gen);
    ones += t == 1;
    others += t != 1 && t != 2;
  }
  const double p1 = std::exp(3.0) / (std::exp(3.0) + std::exp(2.0));
  EXPECT_NEAR(static_cast<double>(ones) / n, p1, 4 * std::sqrt(p1 * (1 - p1) / n));
  EXPECT_EQ(others, 0);
  // A seed repeats a sampled generation.
  auto lm = model(true);
  const lm::GenerateOptions sampled{.max_new_tokens = 10, .sampling = {.temperature = 0.8, .top_p = 0.9}, .seed = 4};
  EXPECT_EQ(lm::generate(*lm, {{1}}, sampled).tokens, lm::generate(*lm, {{1}}, sampled).tokens);
}

TEST(Generate, BadRequestsAreNamed) {
  auto lm = model(false);
  EXPECT_THROW(lm::generate(*lm, {}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1}, {}}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1, 17}}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1}}, {.max_new_tokens = 0}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1}}, {.sampling = {.temperature = -1}}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1}}, {.sampling = {.top_p = 0}}), ValueError);
  EXPECT_THROW(lm::generate(*lm, {{1}}, {.sampling = {.repetition_penalty = 0}}), ValueError);
  try {
    lm::generate(*lm, {std::vector<int64_t>(24, 1)});
    FAIL() << "a prompt filling the context was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("prompt 0 has 24 tokens"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin
