// Batch-parallel training steps: which models split a batch over the threads,
// that a split step computes the same update as the whole batch, that runs
// repeat bit for bit, and that an error on a shard's thread reaches the caller.
#include <gtest/gtest.h>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::same_bits;

// Restores the thread count a test changed.
class ThreadCount {
 public:
  explicit ThreadCount(int n) : previous_(get_num_threads()) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(previous_); }

 private:
  int previous_;
};

std::shared_ptr<Sequential> small_cnn(uint64_t seed, std::shared_ptr<nn::Layer> extra = nullptr) {
  set_random_seed(seed);
  std::vector<std::shared_ptr<nn::Layer>> stack{
      layers::Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = {6, 6, 1}}), layers::MaxPooling2D({2, 2}),
      layers::Flatten()};
  if (extra) stack.push_back(extra);
  stack.push_back(layers::Dense(3, {.activation = "softmax"}));
  auto m = std::make_shared<Sequential>(stack);
  m->compile({.optimizer = optim::SGD({.learning_rate = 0.1}),
              .loss = "sparse_categorical_crossentropy",
              .metrics = {"accuracy"}});
  return m;
}

struct Images {
  Tensor x, y;
};

Images images(int64_t n) {
  Generator gen(7);
  std::vector<float> x(static_cast<size_t>(n * 36));
  std::vector<int64_t> y(static_cast<size_t>(n));
  for (auto& v : x) v = static_cast<float>(gen.uniform(0.0, 1.0));
  for (auto& v : y) v = static_cast<int64_t>(gen.below(3));
  return {from_vector(x, {n, 6, 6, 1}), from_vector(y, {n})};
}

TEST(BatchParallel, OnlySampleIndependentRandomFreeModelsSplitTheBatch) {
  ThreadCount two(2);
  EXPECT_EQ(small_cnn(1)->training_shards(32), 2);
  EXPECT_EQ(small_cnn(1)->training_shards(8), 1) << "shards of 4 samples are too small to pay off";
  EXPECT_EQ(small_cnn(1, layers::Dropout(0.5))->training_shards(32), 1) << "Dropout draws random numbers";
  EXPECT_EQ(small_cnn(1, layers::BatchNormalization())->training_shards(32), 1) << "BatchNorm mixes samples";
  {
    ThreadCount one(1);
    EXPECT_EQ(small_cnn(1)->training_shards(32), 1);
  }
  set_random_seed(3);
  auto lstm = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::LSTM(4, {.recurrent_dropout = 0.2, .input_shape = {5, 2}}), layers::Dense(1)});
  lstm->compile({.optimizer = "sgd", .loss = "mse"});
  EXPECT_EQ(lstm->training_shards(32), 1) << "recurrent dropout draws random numbers";
}

TEST(BatchParallel, ASplitStepMatchesTheWholeBatch) {
  const Images data = images(32);
  History whole, split;
  std::vector<Tensor> whole_weights, split_weights;
  {
    ThreadCount one(1);
    auto m = small_cnn(5);
    whole = m->fit(data.x, data.y, {.epochs = 1, .batch_size = 32, .shuffle = false, .verbose = 0});
    whole_weights = m->get_weights();
  }
  {
    ThreadCount two(2);
    auto m = small_cnn(5);
    ASSERT_EQ(m->training_shards(32), 2);
    split = m->fit(data.x, data.y, {.epochs = 1, .batch_size = 32, .shuffle = false, .verbose = 0});
    split_weights = m->get_weights();
  }
  EXPECT_NEAR(split.history["loss"][0], whole.history["loss"][0], 1e-6);
  EXPECT_DOUBLE_EQ(split.history["accuracy"][0], whole.history["accuracy"][0]);
  ASSERT_EQ(split_weights.size(), whole_weights.size());
  for (size_t i = 0; i < whole_weights.size(); ++i) {
    const auto a = whole_weights[i].to_vector<double>(), b = split_weights[i].to_vector<double>();
    for (size_t j = 0; j < a.size(); ++j) EXPECT_NEAR(b[j], a[j], 1e-6) << "weight " << i << " element " << j;
  }
}

// A regression model of the other allowed layers, trained with sample weights:
// the shard losses must still add up to the weighted batch loss.
std::shared_ptr<Sequential> recurrent_regressor(uint64_t seed) {
  set_random_seed(seed);
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::LSTM(5, {.return_sequences = true, .input_shape = {4, 3}}), layers::LayerNormalization(), layers::GRU(3),
      layers::Dense(2, {.activation = "tanh"})});
  m->compile({.optimizer = optim::SGD({.learning_rate = 0.1}), .loss = "mse", .metrics = {"mae"}});
  return m;
}

TEST(BatchParallel, UnequalShardsWithSampleWeightsMatchTheWholeBatch) {
  const int64_t n = 17;  // on 3 threads, at least 8 samples a shard: 2 unequal shards, of 8 and 9
  Generator gen(3);
  std::vector<float> x(static_cast<size_t>(n * 12)), y(static_cast<size_t>(n * 2)), w(static_cast<size_t>(n));
  for (auto& v : x) v = static_cast<float>(gen.normal(0.0, 1.0));
  for (auto& v : y) v = static_cast<float>(gen.uniform(-0.5, 0.5));
  for (auto& v : w) v = static_cast<float>(gen.uniform(0.1, 2.0));
  const Tensor xt = from_vector(x, {n, 4, 3}), yt = from_vector(y, {n, 2}), wt = from_vector(w, {n});
  History whole, split;
  std::vector<Tensor> whole_weights, split_weights;
  {
    ThreadCount one(1);
    auto m = recurrent_regressor(6);
    whole = m->fit(xt, yt, {.epochs = 2, .batch_size = n, .shuffle = false, .sample_weight = wt, .verbose = 0});
    whole_weights = m->get_weights();
  }
  {
    ThreadCount three(3);
    auto m = recurrent_regressor(6);
    ASSERT_EQ(m->training_shards(n), 2);
    split = m->fit(xt, yt, {.epochs = 2, .batch_size = n, .shuffle = false, .sample_weight = wt, .verbose = 0});
    split_weights = m->get_weights();
  }
  for (const char* key : {"loss", "mae"})
    for (size_t e = 0; e < 2; ++e) EXPECT_NEAR(split.history[key][e], whole.history[key][e], 1e-6) << key << e;
  for (size_t i = 0; i < whole_weights.size(); ++i) {
    const auto a = whole_weights[i].to_vector<double>(), b = split_weights[i].to_vector<double>();
    for (size_t j = 0; j < a.size(); ++j) EXPECT_NEAR(b[j], a[j], 1e-6) << "weight " << i << " element " << j;
  }
}

TEST(BatchParallel, RunsRepeatBitForBit) {
  ThreadCount two(2);
  const Images data = images(96);
  std::vector<Tensor> first, second;
  for (auto* out : {&first, &second}) {
    auto m = small_cnn(9);
    set_random_seed(11);  // the shuffle
    m->fit(data.x, data.y, {.epochs = 2, .batch_size = 32, .verbose = 0});
    *out = m->get_weights();
  }
  for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(same_bits(first[i], second[i])) << "weight " << i;
}

TEST(BatchParallel, AnErrorOnAShardsThreadReachesTheCaller) {
  ThreadCount two(2);
  Images data = images(32);
  std::vector<int64_t> labels(32, 1);
  labels[20] = 7;  // in the second shard, beyond the 3 classes
  data.y = from_vector(labels, {32});
  auto m = small_cnn(2);
  ASSERT_EQ(m->training_shards(32), 2);
  EXPECT_THROW(m->fit(data.x, data.y, {.epochs = 1, .batch_size = 32, .verbose = 0}), Error);
}

}  // namespace
}  // namespace deepfin
