// Model::fit: learning, determinism, sample/class weights, validation, callbacks,
// and the fused softmax/sigmoid cross-entropy path.
#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::make_blobs;
using testing::same_bits;

std::unique_ptr<Sequential> classifier(uint64_t seed, const std::string& head = "softmax") {
  set_random_seed(seed);
  auto m = std::make_unique<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(8, {.activation = "relu", .input_shape = {4}}), layers::Dropout(0.1),
      layers::Dense(head == "sigmoid" ? 1 : 3, {.activation = head})});
  return m;
}

TEST(Fit, LossFallsAndAccuracyRisesOnSeparableData) {
  auto data = make_blobs(120, 1);
  auto model = classifier(1);
  model->compile(
      {.optimizer = optim::Adam({.learning_rate = 0.02}), .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  History h = model->fit(data.x, data.y_onehot, {.epochs = 8, .batch_size = 16, .verbose = 0});
  EXPECT_LT(h.history["loss"].back(), 0.6 * h.history["loss"].front());
  EXPECT_GT(h.history["accuracy"].back(), 0.85);
  auto logs = model->evaluate(data.x, data.y_onehot);
  EXPECT_GT(logs["accuracy"], 0.85);
}

TEST(Fit, SparseLabelsTrainToo) {
  auto data = make_blobs(90, 2);
  auto model = classifier(2);
  model->compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  History h = model->fit(data.x, data.y_sparse, {.epochs = 6, .batch_size = 10, .verbose = 0});
  EXPECT_LT(h.history["loss"].back(), h.history["loss"].front());
}

TEST(Fit, SameSeedGivesBitIdenticalWeights) {
  auto data = make_blobs(50, 3);
  std::vector<Tensor> runs[2];
  for (auto& weights : runs) {
    auto model = classifier(7);
    model->compile({.optimizer = optim::Adam({.learning_rate = 0.01}), .loss = "categorical_crossentropy"});
    model->fit(data.x, data.y_onehot, {.epochs = 3, .batch_size = 8, .shuffle = true, .verbose = 0});
    weights = model->get_weights();
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) EXPECT_TRUE(same_bits(runs[0][i], runs[1][i])) << i;
}

TEST(Fit, FusedSoftmaxLossEqualsCrossEntropyOnProbabilities) {
  auto data = make_blobs(20, 4);
  auto model = classifier(4);
  model->compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  const double loss = model->evaluate(data.x, data.y_onehot, 7)["loss"];
  Tensor p = model->predict(data.x);
  double expected = 0;
  for (int64_t i = 0; i < 20; ++i)
    for (int64_t c = 0; c < 3; ++c) expected -= data.y_onehot.at({i, c}) * std::log(p.at({i, c})) / 20.0;
  EXPECT_NEAR(loss, expected, 1e-5);
}

TEST(Fit, FusedSigmoidLossEqualsBinaryCrossEntropyOnProbabilities) {
  auto data = make_blobs(20, 5);
  Tensor y = greater(data.x.slice(1, 0, 1), scalar_tensor(1.0));  // (N, 1) 0/1 targets
  auto model = classifier(5, "sigmoid");
  model->compile({.optimizer = "sgd", .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  const double loss = model->evaluate(data.x, y)["loss"];
  Tensor p = model->predict(data.x);
  double expected = 0;
  for (int64_t i = 0; i < 20; ++i) {
    const double t = y.at({i, 0}), q = p.at({i, 0});
    expected -= (t * std::log(q) + (1 - t) * std::log(1 - q)) / 20.0;
  }
  EXPECT_NEAR(loss, expected, 1e-5);
}

// The fused path must take the same step as a linear head trained on logits explicitly.
TEST(Fit, FusedPathTakesTheSameStepAsExplicitLogits) {
  auto data = make_blobs(16, 6);
  Tensor y_binary = greater(data.x.slice(1, 0, 1), scalar_tensor(1.0));
  struct Case {
    std::string head, loss;
    Tensor y;
  };
  for (const Case& c :
       {Case{"softmax", "categorical_crossentropy", data.y_onehot}, Case{"sigmoid", "binary_crossentropy", y_binary}}) {
    SCOPED_TRACE(c.head);
    const int64_t units = c.head == "sigmoid" ? 1 : 3;
    std::vector<Tensor> after[2];
    for (int explicit_logits = 0; explicit_logits < 2; ++explicit_logits) {
      set_random_seed(21);
      Sequential model({layers::Dense(units, {.activation = explicit_logits ? "linear" : c.head, .input_shape = {4}})});
      model.compile({.optimizer = optim::SGD({.learning_rate = 0.5}),
                     .loss = losses::get(c.loss, /*from_logits=*/explicit_logits == 1)});
      model.fit(data.x, c.y, {.epochs = 3, .batch_size = 16, .verbose = 0});
      after[explicit_logits] = model.get_weights();
    }
    for (size_t i = 0; i < after[0].size(); ++i) EXPECT_TRUE(testing::all_close(after[0][i], after[1][i], 1e-6, 1e-5));
  }
}

// Far-off logits tell the paths apart: cross-entropy on clipped probabilities
// saturates near -log(1e-7) ~ 16, the fused loss on logits does not.
TEST(Fit, SoftmaxCrossEntropyReallyRunsFused) {
  Sequential model({layers::Dense(2, {.activation = "softmax", .input_shape = {1}})});
  model.set_weights({from_vector(std::vector<float>{100.f, 0.f}, {1, 2}), zeros({2})});
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  const double loss = model.evaluate(ones({1, 1}), from_vector(std::vector<float>{0.f, 1.f}, {1, 2}))["loss"];
  EXPECT_NEAR(loss, 100.0, 1e-3);
}

TEST(Fit, SigmoidClassifierLearns) {
  auto data = make_blobs(60, 5);
  Tensor y = greater(data.x.slice(1, 0, 1), scalar_tensor(1.0));
  set_random_seed(5);
  Sequential model(
      {layers::Dense(4, {.activation = "tanh", .input_shape = {4}}), layers::Dense(1, {.activation = "sigmoid"})});
  model.compile(
      {.optimizer = optim::Adam({.learning_rate = 0.05}), .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  const double before = model.evaluate(data.x, y)["loss"];
  model.fit(data.x, y, {.epochs = 10, .batch_size = 10, .verbose = 0});
  const auto logs = model.evaluate(data.x, y);
  EXPECT_LT(logs.at("loss"), 0.5 * before);
  EXPECT_GT(logs.at("accuracy"), 0.9);
}

TEST(Fit, ClassWeightActsAsPerSampleWeight) {
  auto data = make_blobs(30, 6);
  auto train = [&](const models::FitOptions& options) {
    auto model = classifier(9);
    model->compile({.optimizer = optim::SGD({.learning_rate = 0.1}), .loss = "categorical_crossentropy"});
    set_random_seed(11);  // same shuffles and dropout masks
    model->fit(data.x, data.y_onehot, options);
    return model->get_weights();
  };
  const auto initial = classifier(9)->get_weights();
  // Zero weight for every class: no gradient, nothing moves.
  auto frozen = train({.epochs = 1, .batch_size = 8, .class_weight = {{0, 0.0}, {1, 0.0}, {2, 0.0}}, .verbose = 0});
  for (size_t i = 0; i < frozen.size(); ++i) EXPECT_TRUE(same_bits(frozen[i], initial[i])) << i;
  // class_weight {0: 3} is the same as a sample weight of 3 on class-0 samples.
  std::vector<float> sw(30);
  for (int64_t i = 0; i < 30; ++i) sw[i] = data.y_sparse.at({i}) == 0 ? 3.f : 1.f;
  auto by_class = train({.epochs = 2, .batch_size = 8, .class_weight = {{0, 3.0}}, .verbose = 0});
  auto by_sample = train({.epochs = 2, .batch_size = 8, .sample_weight = from_vector(sw, {30}), .verbose = 0});
  auto plain = train({.epochs = 2, .batch_size = 8, .verbose = 0});
  for (size_t i = 0; i < by_class.size(); ++i) EXPECT_TRUE(same_bits(by_class[i], by_sample[i])) << i;
  EXPECT_FALSE(same_bits(by_class[0], plain[0]));
}

class CountBatches : public train::Callback {
 public:
  void on_train_batch_end(int64_t, const train::Logs&) override { ++batches; }
  void on_epoch_end(int epoch, train::Logs&) override {
    if (epoch == stop_after) model()->stop_training = true;
  }
  int batches = 0;
  int stop_after = -1;
};

TEST(Fit, ValidationSplitHoldsOutTheTailAndMatchesEvaluate) {
  auto data = make_blobs(40, 7);
  auto model = classifier(3);
  model->compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  auto counter = std::make_shared<CountBatches>();
  History h =
      model->fit(data.x, data.y_onehot,
                 {.epochs = 2, .batch_size = 10, .validation_split = 0.25, .callbacks = {counter}, .verbose = 0});
  EXPECT_EQ(counter->batches, 2 * 3);  // 30 training samples in batches of 10
  ASSERT_EQ(h.history["val_loss"].size(), 2u);
  auto logs = model->evaluate(data.x.slice(0, 30, 40), data.y_onehot.slice(0, 30, 40), 10);
  EXPECT_DOUBLE_EQ(h.history["val_loss"].back(), logs["loss"]);
  EXPECT_DOUBLE_EQ(h.history["val_accuracy"].back(), logs["accuracy"]);
  EXPECT_THROW_WITH(model->fit(data.x, data.y_onehot, {.validation_split = 1.0, .verbose = 0}), ValueError,
                    "validation_split");
}

TEST(Fit, StopTrainingAndInitialEpochAreHonoured) {
  auto data = make_blobs(20, 8);
  auto model = classifier(4);
  model->compile({.optimizer = "adam", .loss = "categorical_crossentropy"});
  auto stopper = std::make_shared<CountBatches>();
  stopper->stop_after = 1;
  History h = model->fit(data.x, data.y_onehot, {.epochs = 10, .batch_size = 20, .callbacks = {stopper}, .verbose = 0});
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1}));
  History h2 = model->fit(data.x, data.y_onehot, {.epochs = 4, .batch_size = 20, .verbose = 0, .initial_epoch = 2});
  EXPECT_EQ(h2.epoch, (std::vector<int>{2, 3}));
  EXPECT_EQ(model->optimizer().iterations(), 4);
}

TEST(Fit, BatchNormalizationMovingStatisticsLearnTheData) {
  set_random_seed(5);
  Sequential model({layers::BatchNormalization({.momentum = 0.5, .input_shape = {2}}), layers::Dense(1)});
  model.compile({.optimizer = "sgd", .loss = "mse"});
  Tensor x = add(mul(rand_uniform({64, 2}), 2.0), 5.0);  // mean 6
  Tensor y = zeros({64, 1});
  model.fit(x, y, {.epochs = 3, .batch_size = 16, .verbose = 0});
  const auto& bn = *model.layers()[0];
  EXPECT_NEAR(bn.weight("moving_mean").at({0}), 6.0, 0.3);
  EXPECT_NEAR(bn.weight("moving_variance").at({1}), 4.0 / 12.0, 0.15);
}

}  // namespace
}  // namespace deepfin

namespace deepfin {
namespace {

// A progress display given in FitOptions takes the place of the stdout bar (the
// Python module's writes to sys.stdout); with verbose 0 there is none at all.
TEST(FitProgress, AGivenProgressCallbackReplacesTheStdoutBar) {
  struct Counter final : train::Callback {
    int batches = 0, epochs = 0, verbose = -1;
    void on_train_begin(const train::Logs&) override { verbose = params().verbose; }
    void on_train_batch_end(int64_t, const train::Logs&) override { ++batches; }
    void on_epoch_end(int, train::Logs&) override { ++epochs; }
  };
  auto data = testing::make_blobs(40, 1);
  auto model = classifier(1);
  model->compile({.optimizer = "adam", .loss = "categorical_crossentropy"});
  auto counter = std::make_shared<Counter>();
  ::testing::internal::CaptureStdout();
  model->fit(data.x, data.y_onehot, {.epochs = 2, .batch_size = 10, .verbose = 1, .progress = counter});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(counter->batches, 8);
  EXPECT_EQ(counter->epochs, 2);
  EXPECT_EQ(counter->verbose, 1);
  auto silent = std::make_shared<Counter>();
  model->fit(data.x, data.y_onehot, {.epochs = 1, .batch_size = 10, .verbose = 0, .progress = silent});
  EXPECT_EQ(silent->batches, 0);
}

}  // namespace
}  // namespace deepfin
