// Windows on hand cases: which rows each window holds, its target, and the errors.
#include "deepfin/data/timeseries/windows.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

// f0[t] = t, f1[t] = 10 t, target g[t] = 100 + t, over T rows: every value names its time.
struct Hand {
  std::vector<std::vector<double>> features, targets;
  explicit Hand(int64_t rows) : features(2), targets(1) {
    for (int64_t t = 0; t < rows; ++t) {
      features[0].push_back(static_cast<double>(t));
      features[1].push_back(10.0 * static_cast<double>(t));
      targets[0].push_back(100.0 + static_cast<double>(t));
    }
  }
};

// The times held by window i, read back from feature 0 (and checked against feature 1).
std::vector<int64_t> window_times(const Windows& w, int64_t i) {
  const int64_t steps = w.x.size(1);
  const float* x = w.x.data<float>() + i * steps * 2;
  std::vector<int64_t> times;
  for (int64_t s = 0; s < steps; ++s) {
    EXPECT_EQ(x[2 * s + 1], 10 * x[2 * s]);
    times.push_back(static_cast<int64_t>(x[2 * s]));
  }
  return times;
}

TEST(Windows, ConsecutiveStepsHorizonOne) {
  const Hand h(8);
  const Windows w = make_windows(h.features, h.targets, {.sequence_length = 3});
  EXPECT_EQ(w.x.shape(), (Shape{5, 3, 2}));
  EXPECT_EQ(w.y.shape(), (Shape{5, 1}));
  EXPECT_EQ(w.last_input, (std::vector<int64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(w.target_time, (std::vector<int64_t>{3, 4, 5, 6, 7}));
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(window_times(w, i), (std::vector<int64_t>{i, i + 1, i + 2}));
    EXPECT_EQ(w.y.data<float>()[i], 103 + i);
  }
}

TEST(Windows, SamplingRateStrideAndHorizon) {
  const Hand h(9);
  // Each window spans 3 rows (steps 2 apart); target 2 rows after the last input; a window every 2 rows.
  const Windows w = make_windows(h.features, h.targets,
                                 {.sequence_length = 2, .sequence_stride = 2, .sampling_rate = 2, .horizon = 2});
  EXPECT_EQ(w.last_input, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(w.target_time, (std::vector<int64_t>{4, 6, 8}));
  EXPECT_EQ(window_times(w, 0), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(window_times(w, 2), (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(w.y.data<float>()[2], 108);
}

TEST(Windows, TargetSpanSelectsWindows) {
  const Hand h(10);
  const Windows w = make_windows(h.features, h.targets, {.sequence_length = 3, .begin = 5, .end = 7});
  EXPECT_EQ(w.target_time, (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(window_times(w, 0), (std::vector<int64_t>{2, 3, 4}));
  // A span starting before the first possible target starts at it; stride counts from there.
  const Windows s = make_windows(h.features, h.targets, {.sequence_length = 3, .sequence_stride = 3, .begin = 1});
  EXPECT_EQ(s.target_time, (std::vector<int64_t>{3, 6, 9}));
}

TEST(Windows, LatestWindowEndsAtTheLastRow) {
  const Hand h(6);
  const Tensor x = latest_window(h.features, {.sequence_length = 2, .sampling_rate = 3});
  EXPECT_EQ(x.shape(), (Shape{1, 2, 2}));
  EXPECT_EQ(x.data<float>()[0], 2);
  EXPECT_EQ(x.data<float>()[2], 5);
  EXPECT_TRUE(throws_with<ValueError>([&] { latest_window(h.features, {.sequence_length = 7}); },
                                      {"series has 6 rows; a window of 7 steps needs at least 7"}));
}

TEST(Windows, TooShortSeries) {
  const Hand h(30);
  try {
    make_windows(h.features, h.targets, {.sequence_length = 60});
    FAIL() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "make_windows: series has 30 rows; a window of 60 steps plus horizon 1 needs at least 61");
  }
  EXPECT_TRUE(throws_with<ValueError>(
      [&] { make_windows(h.features, h.targets, {.sequence_length = 10, .sampling_rate = 3, .horizon = 3}); },
      {"series has 30 rows", "(spanning 28 rows at sampling rate 3) plus horizon 3 needs at least 31"}));
  EXPECT_NO_THROW(make_windows(h.features, h.targets, {.sequence_length = 29}));  // exactly one window
}

TEST(Windows, BadOptions) {
  const Hand h(10);
  EXPECT_TRUE(
      throws_with<ValueError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3, .horizon = 0}); },
                              {"horizon must be at least 1, got 0"}));
  EXPECT_TRUE(
      throws_with<ValueError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3, .horizon = 10}); },
                              {"horizon 10 is beyond the data", "10 rows"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { make_windows(h.features, h.targets, {}); }, {"sequence_length (0)"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] { make_windows(h.features, h.targets, {.sequence_length = 3, .sequence_stride = 0}); },
      {"sequence_stride (0)"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] { make_windows(h.features, h.targets, {.sequence_length = 3, .begin = 4, .end = 11}); },
      {"[4, 11)", "[0, 10)"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] { make_windows(h.features, h.targets, {.sequence_length = 3, .begin = 0, .end = 3}); },
      {"no window has its target in [0, 3)", "first possible target is time 3"}));
}

TEST(Windows, NaNInsideAWindowNamesTheTime) {
  Hand h(10);
  h.features[1][4] = std::nan("");
  EXPECT_TRUE(throws_with<ValueError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3}); },
                                      {"feature 1 is NaN at time 4", "last input is 4", "warm-up"}));
  // Windows that end before the NaN, or start after it, are fine.
  EXPECT_NO_THROW(make_windows(h.features, h.targets, {.sequence_length = 3, .end = 5}));
  EXPECT_NO_THROW(make_windows(h.features, h.targets, {.sequence_length = 3, .begin = 8}));
  h.targets[0][8] = std::nan("");
  EXPECT_TRUE(throws_with<ValueError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3, .begin = 8}); },
                                      {"target 0 is NaN at time 8"}));
}

TEST(Windows, MismatchedLengths) {
  Hand h(10);
  h.targets[0].pop_back();
  EXPECT_TRUE(throws_with<ShapeError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3}); },
                                      {"target column 0 has 9 rows but the features have 10"}));
  h.features[1].pop_back();
  EXPECT_TRUE(throws_with<ShapeError>([&] { make_windows(h.features, h.targets, {.sequence_length = 3}); },
                                      {"feature column 1 has 9 rows but feature column 0 has 10"}));
}

}  // namespace
}  // namespace deepfin::data
