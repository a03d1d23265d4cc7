// CausalLM: weights and config, causality, float64 gradients, the KV cache
// against the full forward pass, left padding, and its errors.
#include "deepfin/nn/layers/causal_lm.h"

#include <gtest/gtest.h>

#include "deepfin/autograd/node.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::gradcheck;
using testing::random_double;

std::shared_ptr<nn::CausalLM> gpt2_like(DType d = DType::float32) {
  return layers::CausalLM(11, 12, 8, 2, 2, 16, {.dtype = d});
}

std::shared_ptr<nn::CausalLM> llama_like(DType d = DType::float32) {
  return layers::CausalLM(11, 12, 8, 2, 4, 12,
                          {.num_kv_heads = 2,
                           .positions = "rope",
                           .norm = "rms",
                           .mlp = "swiglu",
                           .use_bias = false,
                           .tie_embeddings = false,
                           .dtype = d});
}

Tensor ids_tensor(const std::vector<int64_t>& ids, int64_t rows) {
  const int64_t steps = static_cast<int64_t>(ids.size()) / rows;
  return from_vector(std::vector<float>(ids.begin(), ids.end()), {rows, steps});
}

TEST(CausalLM, WeightsFollowGpt2sLayoutAndCount) {
  auto lm = gpt2_like();
  const Tensor out = lm->call(ids_tensor({1, 2, 3, 4, 5, 6}, 2));
  EXPECT_EQ(out.shape(), (Shape{2, 3, 11}));
  // 88 + 96 (embeddings) + 2 x (16 + 4 x 72 + 16 + 144 + 136) + 16 (final norm).
  EXPECT_EQ(lm->count_params(), 88 + 96 + 2 * 600 + 16);
  EXPECT_EQ(lm->weight("block_1/query_kernel").shape(), (Shape{8, 8}));
  EXPECT_EQ(lm->weight("block_0/down_kernel").shape(), (Shape{16, 8}));
  EXPECT_EQ(lm->weight("position_embedding").shape(), (Shape{12, 8}));
  auto llama = llama_like();
  llama->build({4});
  EXPECT_EQ(llama->weight("block_0/key_kernel").shape(), (Shape{8, 4}));  // 2 kv heads of 2
  EXPECT_EQ(llama->weight("block_0/gate_kernel").shape(), (Shape{8, 12}));
  EXPECT_EQ(llama->weight("output_kernel").shape(), (Shape{8, 11}));
  EXPECT_THROW(llama->weight("block_0/query_bias"), ValueError);
  EXPECT_THROW(llama->weight("final_norm/beta"), ValueError);
}

TEST(CausalLM, ConfigRoundTripsThroughTheRegistry) {
  for (const auto& lm : {gpt2_like(), llama_like()}) {
    const Tensor x = ids_tensor({3, 1, 4, 1, 5}, 1);
    const Tensor expected = lm->call(x);
    auto copy = nn::layer_from_config(nn::serialize(*lm));
    EXPECT_EQ(copy->get_config().dump(), lm->get_config().dump());
    copy->build(lm->input_shape());
    for (size_t i = 0; i < lm->weights().size(); ++i)
      nn::assign_values(copy->weights()[i].value, lm->weights()[i].value);
    EXPECT_TRUE(all_close(copy->call(x), expected, 0, 0));
  }
}

TEST(CausalLM, EarlierLogitsIgnoreLaterTokens) {
  for (const auto& lm : {gpt2_like(), llama_like()}) {
    const Tensor a = lm->call(ids_tensor({1, 2, 3, 4, 5}, 1));
    const Tensor b = lm->call(ids_tensor({1, 2, 3, 9, 0}, 1));
    EXPECT_TRUE(all_close(b.slice(1, 0, 3), a.slice(1, 0, 3), 1e-6, 1e-6));
    EXPECT_FALSE(all_close(b.slice(1, 3, 5), a.slice(1, 3, 5), 1e-6, 1e-6));
  }
}

// Gradients of the logits w.r.t. every weight, both block styles, in float64.
TEST(CausalLM, GradcheckEveryWeight) {
  const std::vector<std::shared_ptr<nn::CausalLM>> models = {
      layers::CausalLM(5, 4, 4, 1, 2, 6, {.dropout = 0.0, .dtype = DType::float64}),
      layers::CausalLM(5, 4, 4, 1, 2, 6,
                       {.num_kv_heads = 1,
                        .positions = "rope",
                        .norm = "rms",
                        .mlp = "swiglu",
                        .use_bias = false,
                        .tie_embeddings = false,
                        .dtype = DType::float64})};
  for (const auto& lm : models) {
    const Tensor x = from_vector(std::vector<double>{1, 4, 0, 2, 3, 3}, {2, 3});
    lm->build({3});
    std::vector<Tensor> inputs = {x};
    for (size_t i = 0; i < lm->weights().size(); ++i) {
      Generator gen(90 + i);
      inputs.push_back(
          add(lm->weights()[i].value.detach().clone(), random_double(lm->weights()[i].value.shape(), gen, -0.3, 0.3)));
    }
    auto f = [&](const std::vector<Tensor>& in) {
      for (size_t k = 0; k + 1 < in.size(); ++k) lm->weights()[k].value = in[k + 1];
      return lm->call(in[0]);
    };
    EXPECT_TRUE(gradcheck(f, inputs, {.skip = {0}})) << lm->get_config().dump();
  }
}

// Prefill of 4, then single steps, then a chunk of 3: every position matches the full pass.
TEST(CausalLM, CachedStepsMatchTheFullForwardPass) {
  const std::vector<int64_t> seq = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  for (const auto& lm : {gpt2_like(), llama_like()}) {
    const Tensor full = lm->call(ids_tensor(seq, 1));
    nn::KVCache cache = lm->new_cache(1);
    std::vector<Tensor> parts;
    auto feed = [&](size_t from, size_t to) {
      std::vector<int64_t> chunk(seq.begin() + static_cast<std::ptrdiff_t>(from),
                                 seq.begin() + static_cast<std::ptrdiff_t>(to));
      parts.push_back(lm->forward_cached(from_vector(chunk, {1, static_cast<int64_t>(chunk.size())}), cache));
    };
    feed(0, 4);
    feed(4, 5);
    feed(5, 6);
    feed(6, 7);
    feed(7, 10);
    EXPECT_EQ(cache.length, 10);
    EXPECT_TRUE(all_close(concat(parts, 1), full, 2e-5, 1e-4)) << lm->get_config().dump();
  }
}

// A short row left-padded in a batch computes what it computes alone, through prefill and steps.
TEST(CausalLM, LeftPaddedRowsMatchTheirUnpaddedSelves) {
  for (const auto& lm : {gpt2_like(), llama_like()}) {
    nn::KVCache alone = lm->new_cache(1);
    const Tensor alone_prefill = lm->forward_cached(from_vector(std::vector<int64_t>{7, 8, 9}, {1, 3}), alone);
    const Tensor alone_step = lm->forward_cached(from_vector(std::vector<int64_t>{4}, {1, 1}), alone);
    nn::KVCache batch = lm->new_cache(2, {0, 2});
    const Tensor prefill =
        lm->forward_cached(from_vector(std::vector<int64_t>{1, 2, 3, 4, 5, 0, 0, 7, 8, 9}, {2, 5}), batch);
    const Tensor step = lm->forward_cached(from_vector(std::vector<int64_t>{6, 4}, {2, 1}), batch);
    EXPECT_TRUE(all_close(prefill.slice(0, 1, 2).slice(1, 2, 5), alone_prefill, 2e-5, 1e-4));
    EXPECT_TRUE(all_close(step.slice(0, 1, 2), alone_step, 2e-5, 1e-4));
  }
}

TEST(CausalLM, BadSettingsAndInputsAreNamed) {
  EXPECT_THROW(layers::CausalLM(0, 8, 8, 1, 2, 8), ConfigError);
  EXPECT_THROW(layers::CausalLM(10, 8, 8, 1, 3, 8), ConfigError);                         // 8 % 3
  EXPECT_THROW(layers::CausalLM(10, 8, 8, 1, 4, 8, {.num_kv_heads = 3}), ConfigError);    // 4 % 3
  EXPECT_THROW(layers::CausalLM(10, 8, 6, 1, 2, 8, {.positions = "rope"}), ConfigError);  // odd head size 3
  EXPECT_THROW(layers::CausalLM(10, 8, 8, 1, 2, 8, {.norm = "batch"}), ConfigError);
  EXPECT_THROW(layers::CausalLM(10, 8, 8, 1, 2, 8, {.mlp = "relu"}), ConfigError);
  EXPECT_THROW(layers::CausalLM(10, 8, 8, 1, 2, 8, {.dropout = 1.0}), ConfigError);
  EXPECT_THROW(nn::layer_from_config({{"class_name", "CausalLM"}, {"config", {{"vocab_size", 5}}}}), ConfigError);
  auto lm = gpt2_like();
  EXPECT_THROW(lm->call(ids_tensor({1, 2, 11}, 1)), ValueError);  // outside the vocabulary
  EXPECT_THROW(lm->call(from_vector(std::vector<float>{1, 2, 1.5f}, {1, 3})), ValueError);
  EXPECT_THROW(lm->call(from_vector(std::vector<float>(13, 1.0f), {1, 13})), ShapeError);  // past the context
  nn::KVCache cache = lm->new_cache(1);
  lm->forward_cached(from_vector(std::vector<int64_t>(10, 1), {1, 10}), cache);
  try {
    lm->forward_cached(from_vector(std::vector<int64_t>(3, 1), {1, 3}), cache);
    FAIL() << "no error past the context";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("10 cached + 3 new tokens pass the context of 12"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(lm->forward_cached(from_vector(std::vector<int64_t>{1, 2}, {2, 1}), cache), ShapeError);  // batch 2 vs 1
  EXPECT_THROW(lm->new_cache(2, {1}), ValueError);
  // A cache made for another model (a shorter context) is refused, not written past its end.
  nn::KVCache other = layers::CausalLM(11, 6, 8, 2, 2, 16)->new_cache(1);
  EXPECT_THROW(lm->forward_cached(from_vector(std::vector<int64_t>{1}, {1, 1}), other), ValueError);
  nn::KVCache edited = lm->new_cache(1);
  edited.left_padding = {0, 0, 0};
  EXPECT_THROW(lm->forward_cached(from_vector(std::vector<int64_t>{1}, {1, 1}), edited), ValueError);
  EXPECT_THROW(lm->new_cache(0), ValueError);
}

}  // namespace
}  // namespace deepfin
