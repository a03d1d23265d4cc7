// MultiHeadAttention: Keras weight shapes and names, the math against a manual
// composition from primitive ops, masks (padding through Sequential, attention
// masks, causal), scores, dropout, config and registry round trips, save/load,
// a gradient check through the layer, and clear errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "deepfin/deepfin.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using nn::MultiHeadAttention;
using testing::all_close;
using testing::bit_identical;
using testing::random_double;

// Keras's math written out with matmul and softmax: projections per head, softmax
// of scaled scores plus -1e9 where mask is 0 (mask broadcastable to (B, H, Tq, Tk)), output projection.
Tensor manual(const MultiHeadAttention& l, const Tensor& query, const Tensor& value, const Tensor& key,
              const Tensor& mask) {
  const int64_t H = l.num_heads(), Dk = l.key_dim(), Dv = l.value_dim();
  const auto proj = [&](const Tensor& x, const std::string& w, int64_t depth) {
    Tensor k = l.weight(w + "_kernel");
    Tensor y = matmul(x, k.reshape({k.size(0), H * depth}));
    y = add(y, l.weight(w + "_bias").reshape({H * depth}));
    return y.reshape({x.size(0), x.size(1), H, depth}).permute({0, 2, 1, 3});
  };
  Tensor s = mul(matmul(proj(query, "query", Dk), proj(key, "key", Dk).transpose(2, 3)), 1.0 / std::sqrt(double(Dk)));
  if (mask.defined()) s = add(s, mul(add(mask.to(s.dtype()), -1.0), 1e9));
  const Tensor o = matmul(softmax(s, -1), proj(value, "value", Dv)).permute({0, 2, 1, 3});
  const Tensor merged = o.reshape({query.size(0), query.size(1), H * Dv});
  const Tensor& ok = l.weight("output_kernel");
  const int64_t width = ok.numel() / (H * Dv);
  return add(matmul(merged, ok.reshape({H * Dv, width})), l.weight("output_bias").reshape({width}));
}

// Biases are zeros at init; give them values so the test sees them.
void randomize_biases(MultiHeadAttention& l, uint64_t seed) {
  Generator gen(seed);
  for (auto& w : l.weights())
    if (w.name.ends_with("_bias"))
      nn::assign_values(w.value, random_double(w.value.shape(), gen, -0.5, 0.5).to(w.value.dtype()));
}

TEST(MultiHeadAttention, WeightShapesAndNamesFollowKeras) {
  auto l = layers::MultiHeadAttention(2, 3, {.value_dim = 4});
  l->build({5, 6});
  std::vector<std::pair<std::string, Shape>> got;
  for (const auto& w : l->weights()) got.emplace_back(w.name, w.value.shape());
  const std::vector<std::pair<std::string, Shape>> want = {
      {"query_kernel", {6, 2, 3}}, {"query_bias", {2, 3}}, {"key_kernel", {6, 2, 3}},    {"key_bias", {2, 3}},
      {"value_kernel", {6, 2, 4}}, {"value_bias", {2, 4}}, {"output_kernel", {2, 4, 6}}, {"output_bias", {6}}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(l->output_shape(), (Shape{5, 6}));
  auto no_bias = layers::MultiHeadAttention(2, 3, {.use_bias = false, .output_shape = {7}});
  no_bias->build({5, 6});
  EXPECT_EQ(no_bias->weights().size(), 4u);
  EXPECT_EQ(no_bias->weight("output_kernel").shape(), (Shape{2, 3, 7}));
  EXPECT_EQ(no_bias->output_shape(), (Shape{5, 7}));
}

TEST(MultiHeadAttention, SelfAttentionMatchesManualComposition) {
  set_random_seed(1);
  auto l = layers::MultiHeadAttention(3, 4, {.value_dim = 2, .dtype = DType::float64});
  Generator gen(2);
  const Tensor x = random_double({2, 5, 6}, gen);
  l->build({5, 6});
  randomize_biases(*l, 3);
  EXPECT_TRUE(all_close(l->call(x), manual(*l, x, x, x, {}), 1e-12, 1e-10));
  // float32 runs the optimized kernel.
  auto f = layers::MultiHeadAttention(3, 4, {.value_dim = 2});
  f->build({5, 6});
  testing::copy_weights(*l, *f);
  EXPECT_TRUE(all_close(f->call(x.to(DType::float32)).to(DType::float64), manual(*l, x, x, x, {}), 1e-5, 1e-4));
}

TEST(MultiHeadAttention, CrossAttentionWithMaskAndScores) {
  set_random_seed(4);
  auto l = layers::MultiHeadAttention(2, 3, {.dtype = DType::float64});
  Generator gen(5);
  const Tensor query = random_double({2, 4, 5}, gen), value = random_double({2, 6, 7}, gen),
               key = random_double({2, 6, 3}, gen);
  Tensor mask = ones({2, 4, 6}, DType::float64);
  mask.set({0, 1, 2}, 0.0);
  mask.set({1, 3, 0}, 0.0);
  mask.set({1, 3, 5}, 0.0);
  const auto [out, scores] = l->call_attention_with_scores(query, value, key, mask);
  randomize_biases(*l, 6);
  const Tensor out2 = l->call_attention(query, value, key, mask);
  EXPECT_EQ(out.shape(), (Shape{2, 4, 5}));
  EXPECT_EQ(scores.shape(), (Shape{2, 2, 4, 6}));
  EXPECT_EQ(l->weight("key_kernel").shape(), (Shape{3, 2, 3}));
  EXPECT_EQ(l->weight("value_kernel").shape(), (Shape{7, 2, 3}));
  EXPECT_TRUE(all_close(out2, manual(*l, query, value, key, mask.unsqueeze(1)), 1e-12, 1e-10));
  EXPECT_EQ(scores.at({0, 1, 1, 2}), 0.0);
  EXPECT_EQ(scores.at({1, 0, 3, 5}), 0.0);
  EXPECT_TRUE(all_close(sum(scores, {3}), ones({2, 2, 4}, DType::float64), 1e-12, 0));
}

TEST(MultiHeadAttention, CausalMaskHidesTheFuture) {
  set_random_seed(7);
  auto l = layers::MultiHeadAttention(2, 4, {.dtype = DType::float64});
  Generator gen(8);
  const Tensor x = random_double({1, 6, 4}, gen);
  Tensor x2 = x.clone();
  for (int64_t f = 0; f < 4; ++f) x2.set({0, 4, f}, 9.0);  // change step 4
  const Tensor a = l->call_attention(x, x, {}, {}, true), b = l->call_attention(x2, x2, {}, {}, true);
  EXPECT_TRUE(all_close(a.slice(1, 0, 4), b.slice(1, 0, 4), 0, 0));  // steps 0..3 never see step 4
  EXPECT_FALSE(all_close(a.slice(1, 4, 6), b.slice(1, 4, 6), 1e-6, 0));
  Tensor tri = zeros({1, 6, 6}, DType::float64);
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j <= i; ++j) tri.set({0, i, j}, 1.0);
  EXPECT_TRUE(all_close(a, l->call_attention(x, x, {}, tri), 1e-14, 0));
}

TEST(MultiHeadAttention, PaddingMaskFromSequentialMasksKeysOnly) {
  set_random_seed(9);
  auto mha = layers::MultiHeadAttention(2, 3, {.input_shape = {5, 4}, .dtype = DType::float64});
  Generator gen(10);
  const Tensor x = random_double({2, 5, 4}, gen);
  Tensor mask = ones({2, 5}, DType::float64);
  mask.set({0, 3}, 0.0);
  mask.set({0, 4}, 0.0);
  mask.set({1, 4}, 0.0);
  const Tensor y = mha->call_masked(x, mask);
  // The same as an attention mask (B, Tq, Tk) that repeats the key mask for every query.
  const Tensor full = mask.reshape({2, 1, 5}).broadcast_to({2, 5, 5}).contiguous();
  EXPECT_TRUE(all_close(y, mha->call_attention(x, x, {}, full), 1e-14, 0));
  // Padded keys do not matter: changing them leaves the real steps' outputs alone...
  Tensor x2 = x.clone();
  for (int64_t f = 0; f < 4; ++f) x2.set({0, 4, f}, 5.0);
  const Tensor y2 = mha->call_masked(x2, mask);
  EXPECT_TRUE(all_close(y.slice(1, 0, 4), y2.slice(1, 0, 4), 1e-14, 0));
  // ...while padded query rows are still computed (Keras's rule), not zeros.
  EXPECT_GT(std::fabs(y.at({0, 4, 0})), 0.0);
  // The mask passes on unchanged.
  EXPECT_TRUE(mha->compute_mask(x, mask).is_same(mask));
}

TEST(MultiHeadAttention, DropoutOnlyWhileTrainingAndRepeatsWithTheSeed) {
  set_random_seed(11);
  auto l = layers::MultiHeadAttention(2, 4, {.dropout = 0.5});
  const Tensor x = rand_uniform({2, 8, 6}, -1, 1);
  const Tensor inference = l->call(x);
  EXPECT_TRUE(bit_identical(l->call(x), inference));
  set_random_seed(3);
  const Tensor t1 = l->call(x, true);
  set_random_seed(3);
  EXPECT_TRUE(bit_identical(l->call(x, true), t1));
  EXPECT_FALSE(all_close(t1, inference, 1e-4, 0));
}

TEST(MultiHeadAttention, GradcheckThroughTheLayer) {
  set_random_seed(12);
  Generator gen(13);
  auto l = layers::MultiHeadAttention(2, 3, {.value_dim = 2, .output_shape = {3}, .dtype = DType::float64});
  EXPECT_TRUE(testing::gradcheck_layer(*l, random_double({2, 4, 5}, gen)));
  // Cross attention with a mask and causal order: gradients of query, key, value and every weight.
  auto c = layers::MultiHeadAttention(2, 2, {.dtype = DType::float64});
  Tensor mask = ones({2, 3, 4}, DType::float64);
  mask.set({1, 2, 0}, 0.0);
  std::vector<Tensor> inputs{random_double({2, 3, 3}, gen), random_double({2, 4, 5}, gen),
                             random_double({2, 4, 2}, gen)};
  c->call_attention(inputs[0], inputs[1], inputs[2]);  // builds
  for (auto& w : c->weights())
    inputs.push_back(w.value.detach().clone() + random_double(w.value.shape(), gen, -.3, .3));
  const auto f = [&](const std::vector<Tensor>& in) {
    for (size_t i = 0; i < c->weights().size(); ++i) c->weights()[i].value = in[3 + i];
    return c->call_attention(in[0], in[1], in[2], mask, true);
  };
  EXPECT_TRUE(testing::gradcheck(f, inputs));
}

TEST(MultiHeadAttention, ConfigAndRegistryRoundTrip) {
  auto l = layers::MultiHeadAttention(
      4, 8, {.value_dim = 5, .dropout = 0.1, .use_bias = false, .output_shape = {3}, .name = "mha"});
  const nlohmann::json config = l->get_config();
  EXPECT_EQ(config.at("num_heads"), 4);
  EXPECT_EQ(config.at("key_dim"), 8);
  EXPECT_EQ(config.at("value_dim"), 5);
  EXPECT_EQ(config.at("output_shape"), nlohmann::json::array({3}));
  auto rebuilt = nn::layer_from_config(nn::serialize(*l));
  EXPECT_EQ(rebuilt->class_name(), "MultiHeadAttention");
  EXPECT_EQ(rebuilt->get_config(), config);
  // Keras writes value_dim / output_shape as null when unset.
  auto keras_like = nn::layer_from_config(
      {{"class_name", "MultiHeadAttention"},
       {"config", {{"num_heads", 2}, {"key_dim", 3}, {"value_dim", nullptr}, {"output_shape", nullptr}}}});
  EXPECT_EQ(std::static_pointer_cast<MultiHeadAttention>(keras_like)->value_dim(), 3);
}

TEST(MultiHeadAttention, SaveLoadThroughSequentialIsBitIdentical) {
  set_random_seed(14);
  Sequential model(
      {layers::MultiHeadAttention(2, 4, {.input_shape = {6, 5}}), layers::GlobalAveragePooling1D(), layers::Dense(1)});
  model.compile({.optimizer = "adam", .loss = "mse"});
  const Tensor x = rand_uniform({8, 6, 5}, -1, 1), y = rand_uniform({8, 1}, -1, 1);
  const std::vector<Tensor> initial = model.get_weights();
  model.fit(x, y, {.epochs = 2, .batch_size = 4, .verbose = 0});
  const std::vector<Tensor> trained = model.get_weights();
  for (size_t i = 0; i < 8; ++i) EXPECT_FALSE(bit_identical(initial[i], trained[i])) << i;  // every MHA weight learns
  const std::string path =
      (std::filesystem::temp_directory_path() / ("deepfin_mha_" + std::to_string(::getpid()) + ".safetensors"))
          .string();
  model.save(path);
  auto loaded = load_model(path);
  EXPECT_EQ(loaded->get_config(), model.get_config());
  EXPECT_TRUE(bit_identical(loaded->predict(x), model.predict(x)));
  std::filesystem::remove(path);
}

TEST(MultiHeadAttention, BadInputsGiveClearErrors) {
  EXPECT_THROW_WITH(layers::MultiHeadAttention(0, 4), ValueError, "num_heads, key_dim and value_dim must be positive");
  EXPECT_THROW_WITH(layers::MultiHeadAttention(2, 4, {.dropout = 1.5}), ValueError, "dropout must be in [0, 1)");
  auto l = layers::MultiHeadAttention(2, 4, {.name = "att"});
  EXPECT_THROW_WITH(l->call(zeros({2, 5})), ShapeError,
                    "MultiHeadAttention 'att': input must be (batch, time, features), got (5,) without the batch axis");
  const Tensor q = zeros({2, 3, 4}), v = zeros({2, 5, 4});
  EXPECT_THROW_WITH(l->call_attention(q, v, {}, ones({2, 3, 4})), ShapeError,
                    "attention_mask must be (batch, Tq, Tk) = (2, 3, 5), got (2, 3, 4)");
  EXPECT_THROW_WITH(l->call_attention(q, zeros({2, 5, 4}), zeros({2, 4, 4})), ShapeError,
                    "key and value one time length");
  EXPECT_THROW_WITH(l->call_attention(q, zeros({2, 5, 6})), ShapeError,
                    "built for key features 4 and value features 4, got key (2, 5, 6) and value (2, 5, 6)");
}

TEST(MultiHeadAttention, TorchWeightsConvertToKerasLayout) {
  // E = 4, H = 2, D = 2: in_proj rows [q; k; v], each (out = head * 2 + d, in).
  const Tensor in_w = arange(0, 48, 1, DType::float64).reshape({12, 4});
  const Tensor in_b = arange(100, 112, 1, DType::float64);
  const Tensor out_w = arange(200, 216, 1, DType::float64).reshape({4, 4});
  const Tensor out_b = arange(300, 304, 1, DType::float64);
  const auto w = nn::keras_mha_weights_from_torch(in_w, in_b, out_w, out_b, 2);
  // query_kernel[in, head, d] = in_w[head * 2 + d, in]; key uses rows 4..7, value rows 8..11.
  EXPECT_EQ(w.query_kernel.at({3, 1, 0}), in_w.at({2, 3}));
  EXPECT_EQ(w.key_kernel.at({1, 0, 1}), in_w.at({4 + 1, 1}));
  EXPECT_EQ(w.value_kernel.at({2, 1, 1}), in_w.at({8 + 3, 2}));
  EXPECT_EQ(w.value_bias.at({1, 0}), 110.0);
  // output_kernel[head, d, out] = out_w[out, head * 2 + d].
  EXPECT_EQ(w.output_kernel.at({1, 0, 3}), out_w.at({3, 2}));
  EXPECT_EQ(w.output_bias.at({2}), 302.0);
  EXPECT_THROW_WITH(nn::keras_mha_weights_from_torch(in_w, in_b, out_w, out_b, 3), ValueError,
                    "embed_dim 4 is not divisible by num_heads 3");
}

}  // namespace
}  // namespace deepfin

namespace deepfin {
namespace {

// A task only attention solves: x (N, T, 2) holds a random value per step and a
// one-hot marker; the target is the value at the marked step. Pooling alone
// can only reach the variance of the values around their mean (~(1 - 1/T) Var y).
TEST(MultiHeadAttention, LearnsToReadTheMarkedStep) {
  set_random_seed(21);
  const int64_t N = 256, T = 6;
  Generator gen(22);
  Tensor x = zeros({N, T, 2}), y = zeros({N, 1});
  for (int64_t n = 0; n < N; ++n) {
    const int64_t marked = static_cast<int64_t>(gen.below(T));
    for (int64_t t = 0; t < T; ++t) x.set({n, t, 0}, gen.uniform(-1, 1));
    x.set({n, marked, 1}, 1.0);
    y.set({n, 0}, x.at({n, marked, 0}));
  }
  Sequential model(
      {layers::MultiHeadAttention(2, 8, {.input_shape = {T, 2}}), layers::GlobalAveragePooling1D(), layers::Dense(1)});
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.02}), .loss = "mse"});
  model.fit(x, y, {.epochs = 60, .batch_size = 32, .verbose = 0});
  const double mse = mean(square(sub(model.predict(x), y))).item();
  const double var_y = mean(square(sub(y, mean(y)))).item();
  EXPECT_LT(mse, 0.1 * var_y) << "mse " << mse << " var " << var_y;
}

}  // namespace
}  // namespace deepfin
