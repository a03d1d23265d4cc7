// Data-parallel fit over real MPI ranks (ctest runs this program under
// `mpirun -np 2`). Each rank also trains the same model on its own, as one
// process with the whole batch, and the two must agree:
//   - weights to 1e-6 (absolute, on weights of order 0.1-1; measured 0.6-1.8e-7):
//     the only difference is the order of float32 additions (each rank sums its
//     half of the batch, then the halves are added), a relative error of about
//     one float32 epsilon (1.2e-7) per step, which Adam's normalized steps
//     neither grow nor cancel over the 40-150 steps here;
//   - logged loss and metrics to 1e-5.
// With seeded DP-SGD noise, 2 ranks add the same noise once per global batch as
// one process does, so they agree too. Ranks must stay identical under dropout,
// BatchNormalization is refused, and ranks with different data stop at start.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/deepfin.h"
#include "deepfin/train/mpi_session.h"
#include "models/data_parallel.h"

namespace deepfin {
namespace {

struct Blobs {
  Tensor x, y;
};

Blobs blobs(int64_t n, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> x(static_cast<size_t>(n * 6)), y(static_cast<size_t>(n * 3), 0.f);
  for (int64_t i = 0; i < n; ++i) {
    const auto c = static_cast<int64_t>(gen.below(3));
    y[static_cast<size_t>(i * 3 + c)] = 1.f;
    for (int64_t j = 0; j < 6; ++j)
      x[static_cast<size_t>(i * 6 + j)] = static_cast<float>(gen.normal(j == c ? 1.5 : 0, 1));
  }
  return {from_vector(x, {n, 6}), from_vector(y, {n, 3})};
}

using Layers = std::vector<std::shared_ptr<nn::Layer>>;

std::shared_ptr<Sequential> compiled(const std::function<Layers()>& layers) {
  set_random_seed(5);  // the same initial weights on every rank and for both fits
  auto model = std::make_shared<Sequential>(layers());
  model->compile({.optimizer = optim::Adam({.learning_rate = 0.005}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy", "auc"}});
  return model;
}

double max_abs_difference(const Model& a, const Model& b) {
  double worst = 0.0;
  const auto wa = a.get_weights(), wb = b.get_weights();
  for (size_t i = 0; i < wa.size(); ++i) {
    const auto va = wa[i].to_vector<double>(), vb = wb[i].to_vector<double>();
    for (size_t k = 0; k < va.size(); ++k) worst = std::max(worst, std::abs(va[k] - vb[k]));
  }
  return worst;
}

void expect_same_logs(const train::History& a, const train::History& b) {
  ASSERT_EQ(a.epoch, b.epoch);
  for (const auto& [key, values] : b.history) {
    ASSERT_TRUE(a.history.count(key)) << key;
    for (size_t e = 0; e < values.size(); ++e) EXPECT_NEAR(a.history.at(key)[e], values[e], 1e-5) << key << " " << e;
  }
}

void compare_with_one_process(const std::function<Layers()>& layers, const Blobs& data, int64_t batch,
                              std::optional<privacy::PrivacyOptions> privacy = std::nullopt, int epochs = 4) {
  models::FitOptions options{.epochs = epochs, .batch_size = batch, .verbose = 0};
  options.validation_split = 0.25;
  options.privacy = privacy;
  auto ranks = compiled(layers);
  const train::History over_ranks = ranks->fit(data.x, data.y, options);
  auto alone = compiled(layers);
  options.communicator = train::single_process();
  const train::History one = alone->fit(data.x, data.y, options);
  const double difference = max_abs_difference(*ranks, *alone);
  EXPECT_LT(difference, 1e-6);
  if (train::world()->rank() == 0) fmt::print("largest weight difference, 2 ranks vs 1 process: {:.2e}\n", difference);
  expect_same_logs(over_ranks, one);
  EXPECT_GT(over_ranks.history.at("val_accuracy").back(), 0.5) << "it learned";
}

TEST(DistributedFit, RunsOnTwoRanks) {
  EXPECT_EQ(train::world()->size(), 2) << "ctest starts this under mpirun -np 2";
}

TEST(DistributedFit, TwoRanksTrainAsOneProcessDense) {
  compare_with_one_process(
      [] {
        return Layers{layers::Dense(16, {.activation = "relu", .input_shape = {6}}),
                      layers::Dense(3, {.activation = "softmax"})};
      },
      blobs(301, 1), 32);  // 301 rows: a ragged last batch
}

TEST(DistributedFit, TwoRanksTrainAsOneProcessLstm) {
  compare_with_one_process(
      [] {
        return Layers{layers::Reshape({3, 2}, {.input_shape = {6}}), layers::LSTM(8),
                      layers::Dense(3, {.activation = "softmax"})};
      },
      blobs(200, 2), 16, std::nullopt, 12);
}

TEST(DistributedFit, TwoRanksTrainAsOneProcessUnderSeededDpSgd) {
  privacy::PrivacyOptions dp;
  dp.noise_multiplier = 0.8;
  dp.max_grad_norm = 1.0;
  dp.secure_rng = false;  // seeded: one process and rank 0 draw the same batches and noise
  dp.seed = 9;
  compare_with_one_process(
      [] {
        return Layers{layers::Dense(16, {.activation = "relu", .input_shape = {6}}),
                      layers::Dense(3, {.activation = "softmax"})};
      },
      blobs(400, 3), 40, dp);
}

TEST(DistributedFit, RanksStayIdenticalWithDropout) {
  auto model = compiled([] {
    return Layers{layers::Dense(16, {.activation = "relu", .input_shape = {6}}), layers::Dropout(0.4),
                  layers::Dense(3, {.activation = "softmax"})};
  });
  const Blobs data = blobs(200, 4);
  model->fit(data.x, data.y, {.epochs = 3, .batch_size = 20, .verbose = 0});  // checks the ranks each epoch
  const std::string digest = models::detail::training_state_digest(model->parameter_arena(), model->optimizer());
  const auto all = train::world()->allgather(digest);
  EXPECT_EQ(all[0], all[1]);
}

// Stops after `epoch` on rank 0 only (a callback that looks at rank 0's logs,
// or one that only rank 0 has): every rank must stop there, none may hang.
class StopOnRankZero : public train::Callback {
 public:
  void on_epoch_end(int epoch, train::Logs&) override {
    if (epoch == 1 && train::world()->rank() == 0) model()->stop_training = true;
  }
  void on_train_batch_end(int64_t batch, const train::Logs&) override {
    if (batch == 3 && stop_in_batch && train::world()->rank() == 0) model()->stop_training = true;
  }
  bool stop_in_batch = false;
};

TEST(DistributedFit, AStopOnRankZeroStopsEveryRank) {
  for (bool in_batch : {false, true}) {
    auto model = compiled([] { return Layers{layers::Dense(3, {.activation = "softmax", .input_shape = {6}})}; });
    const Blobs data = blobs(160, 8);
    auto stop = std::make_shared<StopOnRankZero>();
    stop->stop_in_batch = in_batch;
    const train::History h = model->fit(data.x, data.y, {.epochs = 5, .batch_size = 16, .callbacks = {stop}, .verbose = 0});
    EXPECT_EQ(h.epoch.size(), in_batch ? 1u : 2u);
  }
}

TEST(DistributedFit, BatchNormalizationIsRefused) {
  auto model = compiled([] {
    return Layers{layers::Dense(8, {.input_shape = {6}}), layers::BatchNormalization(),
                  layers::Dense(3, {.activation = "softmax"})};
  });
  const Blobs data = blobs(64, 5);
  try {
    model->fit(data.x, data.y, {.epochs = 1, .verbose = 0});
    ADD_FAILURE() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("BatchNormalization"), std::string::npos) << e.what();
  }
}

TEST(DistributedFit, RanksWithDifferentDataStopAtTheStart) {
  auto model = compiled([] { return Layers{layers::Dense(3, {.activation = "softmax", .input_shape = {6}})}; });
  const Blobs data = blobs(64, train::world()->rank() == 0 ? 6 : 7);
  try {
    model->fit(data.x, data.y, {.epochs = 1, .verbose = 0});
    ADD_FAILURE() << "expected a ValueError on every rank";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("data on rank 1 differ from rank 0's"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  deepfin::train::MpiSession mpi(/*force=*/true);
  // Only rank 0 prints the report; every rank's failures still fail the run.
  if (mpi.communicator()->rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  double any[1] = {static_cast<double>(failed)};
  mpi.communicator()->allreduce_sum(any, 1);
  return any[0] > 0 ? 1 : 0;
}
