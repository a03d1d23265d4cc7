// BatchLoader: coverage, determinism, prefetch equivalence, errors and early stops.
#include "deepfin/data/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::throws_with;

// x (n, 2, 3) float32 with x[i] = i everywhere; y int64 = i; w float64 = i / 2.
struct Data {
  Tensor x, y, w;
};
Data make_data(int64_t n) {
  std::vector<float> xs;
  std::vector<int64_t> ys;
  std::vector<double> ws;
  for (int64_t i = 0; i < n; ++i) {
    xs.insert(xs.end(), 6, static_cast<float>(i));
    ys.push_back(i);
    ws.push_back(i / 2.0);
  }
  return {from_vector(xs, {n, 2, 3}), from_vector(ys, {n}), from_vector(ws, {n})};
}

// Runs one epoch and returns the sample ids in batch order, checking each batch is consistent.
std::vector<int64_t> run_epoch(data::BatchLoader& loader, std::vector<int64_t>* sizes = nullptr) {
  std::vector<int64_t> ids;
  loader.start_epoch();
  int64_t expected_index = 0;
  while (auto b = loader.next()) {
    EXPECT_EQ(b->index, expected_index++);
    EXPECT_TRUE(b->x.is_contiguous());
    EXPECT_EQ(b->x.dim(), 3);
    const std::vector<int64_t> y = b->y.to_vector<int64_t>();
    const std::vector<float> x = b->x.to_vector<float>();
    for (size_t r = 0; r < y.size(); ++r) {
      for (int k = 0; k < 6; ++k) EXPECT_EQ(x[r * 6 + k], static_cast<float>(y[r]));
      if (b->w.defined()) {
        EXPECT_EQ(b->w.at({static_cast<int64_t>(r)}), y[r] / 2.0);
      }
    }
    if (sizes) sizes->push_back(b->x.size(0));
    ids.insert(ids.end(), y.begin(), y.end());
  }
  EXPECT_EQ(expected_index, loader.num_batches());
  return ids;
}

TEST(BatchLoader, EveryEpochCoversEverySampleOnce) {
  const Data d = make_data(23);
  for (bool prefetch : {false, true}) {
    Generator gen(1);
    data::BatchLoader loader(d.x, d.y, d.w, {.batch_size = 5, .generator = &gen, .prefetch = prefetch});
    EXPECT_EQ(loader.num_batches(), 5);
    std::vector<int64_t> first;
    for (int epoch = 0; epoch < 3; ++epoch) {
      std::vector<int64_t> sizes;
      std::vector<int64_t> ids = run_epoch(loader, &sizes);
      EXPECT_EQ(sizes, (std::vector<int64_t>{5, 5, 5, 5, 3}));
      if (epoch == 0)
        first = ids;
      else
        EXPECT_NE(ids, first) << "each epoch draws a fresh order";
      std::sort(ids.begin(), ids.end());
      std::vector<int64_t> all(23);
      std::iota(all.begin(), all.end(), 0);
      EXPECT_EQ(ids, all);
    }
  }
}

TEST(BatchLoader, SameSeedSameOrderAndPrefetchChangesNothing) {
  const Data d = make_data(40);
  std::vector<std::vector<int64_t>> runs;
  for (bool prefetch : {true, false, true}) {
    Generator gen(77);
    data::BatchLoader loader(d.x, d.y, {.batch_size = 7, .generator = &gen, .prefetch = prefetch});
    std::vector<int64_t> two_epochs = run_epoch(loader);
    const std::vector<int64_t> second = run_epoch(loader);
    two_epochs.insert(two_epochs.end(), second.begin(), second.end());
    runs.push_back(two_epochs);
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);

  Generator other(78);
  data::BatchLoader loader(d.x, d.y, {.batch_size = 7, .generator = &other});
  EXPECT_NE(run_epoch(loader), std::vector<int64_t>(runs[0].begin(), runs[0].begin() + 40));
}

TEST(BatchLoader, NoShuffleKeepsOrderAndDropRemainder) {
  const Data d = make_data(10);
  data::BatchLoader plain(d.x, d.y, {.batch_size = 4, .shuffle = false});
  std::vector<int64_t> expected(10);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(run_epoch(plain), expected);

  Generator gen(3);
  data::BatchLoader dropping(d.x, d.y, {.batch_size = 4, .generator = &gen, .drop_remainder = true});
  EXPECT_EQ(dropping.num_batches(), 2);
  std::vector<int64_t> sizes;
  const std::vector<int64_t> ids = run_epoch(dropping, &sizes);
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4}));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 8u);

  data::BatchLoader big(d.x, d.y, {.batch_size = 64, .drop_remainder = true});
  EXPECT_EQ(big.num_batches(), 0);
  big.start_epoch();
  EXPECT_FALSE(big.next().has_value());
}

TEST(BatchLoader, GathersStridedInputs) {
  const Data d = make_data(8);
  // A transposed (3, 2) trailing shape view of x, and a step-2 slice of the samples.
  Tensor xt = d.x.transpose(1, 2);
  data::BatchLoader loader(xt, d.y, {.batch_size = 3, .shuffle = false});
  loader.start_epoch();
  auto b = loader.next();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->x.shape(), (Shape{3, 3, 2}));
  EXPECT_EQ(b->x.to_vector<float>(), xt.slice(0, 0, 3).to_vector<float>());

  Tensor every_other = d.x.slice(0, 0, 8, 2);
  data::BatchLoader sliced(every_other, d.y.slice(0, 0, 8, 2), {.batch_size = 4, .shuffle = false});
  sliced.start_epoch();
  auto s = sliced.next();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->y.to_vector<int64_t>(), (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(s->x.at({3, 1, 2}), 6.0);
}

TEST(BatchLoader, WorkerExceptionsReachTheCaller) {
  const Data d = make_data(12);
  for (bool prefetch : {true, false}) {
    data::BatchLoader loader(d.x, d.y,
                             {.batch_size = 4, .shuffle = false, .prefetch = prefetch, .transform = [](data::Batch& b) {
                                if (b.index == 1) throw ValueError("augmentation failed on batch 1");
                              }});
    loader.start_epoch();
    EXPECT_TRUE(loader.next().has_value());
    EXPECT_TRUE(throws_with<ValueError>([&] { loader.next(); }, {"augmentation failed"}));
    loader.start_epoch();  // a new epoch starts cleanly after the failure
    EXPECT_TRUE(loader.next().has_value());
  }
}

TEST(BatchLoader, StoppingEarlyShutsDownCleanly) {
  const Data d = make_data(1000);
  for (int i = 0; i < 20; ++i) {
    data::BatchLoader loader(d.x, d.y, {.batch_size = 10});
    loader.start_epoch();
    loader.next();
    loader.start_epoch();  // abandon the epoch mid-way
    loader.next();
    loader.next();
  }  // destroyed with the worker one batch ahead
  SUCCEED();
}

TEST(BatchLoader, BadArguments) {
  const Data d = make_data(10);
  EXPECT_TRUE(
      throws_with<ShapeError>([&] { data::BatchLoader(d.x, make_data(9).y); }, {"BatchLoader", "(10, 2, 3)", "(9,)"}));
  EXPECT_TRUE(throws_with<ShapeError>([&] { data::BatchLoader(d.x, d.y, make_data(11).w); },
                                      {"BatchLoader", "sample_weight", "(11,)"}));
  EXPECT_TRUE(
      throws_with<ValueError>([&] { data::BatchLoader(d.x, d.y, {.batch_size = 0}); }, {"BatchLoader", "batch_size"}));
  data::BatchLoader loader(d.x, d.y);
  EXPECT_TRUE(throws_with<ValueError>([&] { loader.next(); }, {"start_epoch"}));
}

}  // namespace
}  // namespace deepfin
