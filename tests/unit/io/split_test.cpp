// train_test_split and to_categorical.
#include "deepfin/data/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "deepfin/core/random.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::throws_with;

// x row i holds (i, 10i) so every row can be traced back to its sample.
Tensor traced_x(int64_t n) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.insert(v.end(), {static_cast<float>(i), static_cast<float>(10 * i)});
  return from_vector(v, {n, 2});
}

std::vector<int64_t> sample_ids(const Tensor& x) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < x.size(0); ++i) {
    EXPECT_EQ(x.at({i, 1}), 10 * x.at({i, 0}));
    ids.push_back(static_cast<int64_t>(x.at({i, 0})));
  }
  return ids;
}

TEST(Split, PartitionsEverySampleOnceAndKeepsPairs) {
  const int64_t n = 103;
  Tensor x = traced_x(n);
  Tensor y = arange(0, n, 1, DType::int64);
  const data::Split s = data::train_test_split(x, y, {.test_size = 0.2, .seed = 5});
  EXPECT_EQ(s.x_test.size(0), 21);  // ceil(0.2 * 103)
  EXPECT_EQ(s.x_train.size(0), 82);
  EXPECT_EQ(s.y_test.to_vector<int64_t>(), sample_ids(s.x_test));  // rows move with their labels
  EXPECT_EQ(s.y_train.to_vector<int64_t>(), sample_ids(s.x_train));
  std::vector<int64_t> all = sample_ids(s.x_train);
  const std::vector<int64_t> test = sample_ids(s.x_test);
  all.insert(all.end(), test.begin(), test.end());
  std::sort(all.begin(), all.end());
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(all[i], i);
  // Shuffled: the test part is not simply the tail.
  EXPECT_NE(test, std::vector<int64_t>(all.end() - 21, all.end()));
}

TEST(Split, SameSeedSameSplitDifferentSeedDifferentSplit) {
  Tensor x = traced_x(50), y = arange(0, 50, 1, DType::int64);
  const auto a = data::train_test_split(x, y, {.seed = 42});
  const auto b = data::train_test_split(x, y, {.seed = 42});
  const auto c = data::train_test_split(x, y, {.seed = 43});
  EXPECT_EQ(a.y_test.to_vector<int64_t>(), b.y_test.to_vector<int64_t>());
  EXPECT_EQ(a.x_train.to_vector<float>(), b.x_train.to_vector<float>());
  EXPECT_NE(a.y_test.to_vector<int64_t>(), c.y_test.to_vector<int64_t>());

  set_random_seed(9);
  const auto d = data::train_test_split(x, y);
  set_random_seed(9);
  const auto e = data::train_test_split(x, y);
  EXPECT_EQ(d.y_test.to_vector<int64_t>(), e.y_test.to_vector<int64_t>());
}

TEST(Split, NoShuffleTakesTheTail) {
  Tensor x = traced_x(10), y = arange(0, 10, 1, DType::int64);
  const auto s = data::train_test_split(x, y, {.test_size = 3, .shuffle = false});
  EXPECT_EQ(s.y_train.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(s.y_test.to_vector<int64_t>(), (std::vector<int64_t>{7, 8, 9}));
}

TEST(Split, StratifyKeepsClassProportions) {
  // 60 / 30 / 10 samples of classes 0 / 1 / 2, in several label encodings.
  std::vector<int64_t> labels;
  for (int c = 0; c < 3; ++c) labels.insert(labels.end(), c == 0 ? 60 : c == 1 ? 30 : 10, c);
  const int64_t n = static_cast<int64_t>(labels.size());
  Tensor y_int = from_vector(labels, {n});
  const std::vector<Tensor> encodings = {y_int, data::to_categorical(y_int), y_int.to(DType::float32)};
  for (const Tensor& y : encodings) {
    for (uint64_t seed : {1, 2, 3}) {
      const auto s = data::train_test_split(traced_x(n), y, {.test_size = 0.25, .seed = seed, .stratify = true});
      std::map<int64_t, int64_t> test_counts, train_counts;
      for (int64_t id : sample_ids(s.x_test)) test_counts[labels[id]]++;
      for (int64_t id : sample_ids(s.x_train)) train_counts[labels[id]]++;
      EXPECT_EQ(test_counts[0], 15);
      // 7.5 and 2.5: one rounds up and the other down, so the total is exactly 25.
      EXPECT_TRUE(test_counts[1] == 7 || test_counts[1] == 8) << test_counts[1];
      EXPECT_TRUE(test_counts[2] == 2 || test_counts[2] == 3) << test_counts[2];
      EXPECT_EQ(test_counts[0] + test_counts[1] + test_counts[2], 25);
      EXPECT_EQ(train_counts[0] + test_counts[0], 60);
      EXPECT_EQ(train_counts[2] + test_counts[2], 10);
    }
  }
  // Binary float labels.
  std::vector<float> binary(40, 0.0f);
  std::fill(binary.begin(), binary.begin() + 8, 1.0f);
  const auto s = data::train_test_split(traced_x(40), from_vector(binary, {40, 1}),
                                        {.test_size = 0.5, .seed = 4, .stratify = true});
  const std::vector<float> yt = s.y_test.to_vector<float>();
  EXPECT_EQ(std::count(yt.begin(), yt.end(), 1.0f), 4);
}

TEST(Split, BadInputs) {
  Tensor x = traced_x(10);
  EXPECT_TRUE(throws_with<ShapeError>([&] { data::train_test_split(x, arange(0, 9)); },
                                      {"train_test_split", "(10, 2)", "(9,)"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { data::train_test_split(x, arange(0, 10), {.test_size = 0}); },
                                      {"train_test_split", "test_size"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { data::train_test_split(x, arange(0, 10), {.test_size = 10}); },
                                      {"train_test_split", "empty"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] { data::train_test_split(x, arange(0, 10), {.shuffle = false, .stratify = true}); }, {"train_test_split"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { data::train_test_split(x, full({10}, 0.5), {.stratify = true}); },
                                      {"train_test_split", "0.5"}));
}

TEST(Categorical, OneHotRows) {
  Tensor labels = from_vector(std::vector<int64_t>{2, 0, 1, 2}, {4});
  Tensor onehot = data::to_categorical(labels);
  EXPECT_EQ(onehot.dtype(), DType::float32);
  ASSERT_EQ(onehot.shape(), (Shape{4, 3}));
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(onehot.at({i, c}), labels.at({i}) == c ? 1.0 : 0.0);
  EXPECT_EQ(data::to_categorical(labels.to(DType::float32).reshape({4, 1}), 5).shape(), (Shape{4, 5}));
  EXPECT_EQ(data::to_categorical(labels, 5).to_vector<float>()[4 * 0 + 2], 1.0f);
}

TEST(Categorical, BadLabels) {
  EXPECT_TRUE(throws_with<ValueError>(
      [] {
        data::to_categorical(from_vector(std::vector<int64_t>{0, 3}, {2}), 3);
      },
      {"to_categorical", "3"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [] {
        data::to_categorical(from_vector(std::vector<int64_t>{0, -1}, {2}));
      },
      {"to_categorical", "-1"}));
  EXPECT_TRUE(throws_with<ValueError>([] { data::to_categorical(from_vector(std::vector<float>{0.5f}, {1})); },
                                      {"to_categorical", "0.5"}));
  EXPECT_TRUE(throws_with<ShapeError>([] { data::to_categorical(zeros({2, 2, 2})); }, {"to_categorical", "(2, 2, 2)"}));
}

}  // namespace
}  // namespace deepfin
