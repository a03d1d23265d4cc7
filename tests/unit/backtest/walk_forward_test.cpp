// Walk-forward folds: hand-computed layouts, a property test over random options, the fit/predict
// loop, and a look-ahead guard that catches a predictor reading the future.
#include "deepfin/backtest/walk_forward.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "deepfin/base/error.h"

namespace deepfin::backtest {
namespace {

using Fold = WalkForwardFold;

void expect_folds(const std::vector<Fold>& got, const std::vector<Fold>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].train_begin, want[i].train_begin) << "fold " << i;
    EXPECT_EQ(got[i].train_end, want[i].train_end) << "fold " << i;
    EXPECT_EQ(got[i].test_begin, want[i].test_begin) << "fold " << i;
    EXPECT_EQ(got[i].test_end, want[i].test_end) << "fold " << i;
  }
}

TEST(WalkForwardFolds, ExpandingWindowLastBlockShorter) {
  // n = 11, first train [0, 4), blocks of 3: tests [4,7) [7,10) [10,11).
  expect_folds(walk_forward_folds(11, {.initial_train = 4, .retrain_every = 3}),
               {{0, 4, 4, 7}, {0, 7, 7, 10}, {0, 10, 10, 11}});
}

TEST(WalkForwardFolds, RollingWindowKeepsTheLastSamples) {
  expect_folds(walk_forward_folds(
                   10, {.initial_train = 4, .retrain_every = 2, .window = WindowKind::rolling, .rolling_size = 3}),
               {{1, 4, 4, 6}, {3, 6, 6, 8}, {5, 8, 8, 10}});
  // A rolling size above the history available starts at 0 until the window fills.
  expect_folds(walk_forward_folds(
                   10, {.initial_train = 4, .retrain_every = 3, .window = WindowKind::rolling, .rolling_size = 5}),
               {{0, 4, 4, 7}, {2, 7, 7, 10}});
}

TEST(WalkForwardFolds, GapEmbargoesSamplesBeforeEachTest) {
  // gap 2: tests start at 4 + 2 = 6; each train ends 2 samples before its test block.
  expect_folds(walk_forward_folds(10, {.initial_train = 4, .retrain_every = 3, .gap = 2}),
               {{0, 4, 6, 9}, {0, 7, 9, 10}});
}

template <typename F>
std::string value_error_of(F&& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ValueError";
  return "";
}

TEST(WalkForwardFolds, BadOptionsNameTheNumbers) {
  EXPECT_NE(value_error_of([] {
              walk_forward_folds(10, {.initial_train = 4, .retrain_every = 0});
            }).find("retrain_every is 0"),
            std::string::npos);
  EXPECT_NE(value_error_of([] { walk_forward_folds(10, {.initial_train = 0}); }).find("initial_train is 0"),
            std::string::npos);
  const std::string too_big = value_error_of([] { walk_forward_folds(10, {.initial_train = 10}); });
  EXPECT_NE(too_big.find("initial_train is 10"), std::string::npos) << too_big;
  EXPECT_NE(too_big.find("num_samples = 10"), std::string::npos) << too_big;
  EXPECT_NE(value_error_of([] {
              walk_forward_folds(10, {.initial_train = 4, .window = WindowKind::rolling});
            }).find("rolling_size >= 1, got 0"),
            std::string::npos);
  EXPECT_NE(value_error_of([] { walk_forward_folds(10, {.initial_train = 4, .gap = 6}); }).find("gap 6"),
            std::string::npos);
  EXPECT_NE(value_error_of([] { walk_forward_folds(10, {.initial_train = 4, .gap = -1}); }).find("gap is -1"),
            std::string::npos);
}

TEST(WalkForwardFolds, PropertyTrainAlwaysBeforeTestAndTestsTile) {
  std::mt19937 rng(11);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int trial = 0; trial < 500; ++trial) {
    const int64_t n = uniform(2, 200);
    WalkForwardOptions o{.initial_train = uniform(1, n - 1), .retrain_every = uniform(1, 30)};
    o.gap = uniform(0, n - 1 - o.initial_train);
    if (uniform(0, 1) == 1) {
      o.window = WindowKind::rolling;
      o.rolling_size = uniform(1, n);
    }
    const auto folds = walk_forward_folds(n, o);
    ASSERT_FALSE(folds.empty());
    EXPECT_EQ(folds.front().test_begin, o.initial_train + o.gap);
    EXPECT_EQ(folds.back().test_end, n);
    for (size_t i = 0; i < folds.size(); ++i) {
      const Fold& f = folds[i];
      SCOPED_TRACE("trial " + std::to_string(trial) + " fold " + std::to_string(i));
      EXPECT_LE(0, f.train_begin);
      EXPECT_LT(f.train_begin, f.train_end);
      EXPECT_EQ(f.train_end + o.gap, f.test_begin);  // train strictly before test, gap respected
      EXPECT_LT(f.test_begin, f.test_end);
      EXPECT_LE(f.test_end - f.test_begin, o.retrain_every);
      if (i > 0) {
        EXPECT_EQ(folds[i - 1].test_end, f.test_begin);  // no hole, no overlap
      }
      if (o.window == WindowKind::expanding) {
        EXPECT_EQ(f.train_begin, 0);
      } else {
        EXPECT_LE(f.train_end - f.train_begin, o.rolling_size);
      }
    }
  }
}

TEST(RunWalkForward, CallsFitThenPredictWithTheFoldRanges) {
  std::vector<std::string> calls;
  const auto predictions = run_walk_forward(
      9, {.initial_train = 3, .retrain_every = 4},
      [&](int64_t b, int64_t e) { calls.push_back("fit " + std::to_string(b) + " " + std::to_string(e)); },
      [&](int64_t b, int64_t e) {
        calls.push_back("predict " + std::to_string(b) + " " + std::to_string(e));
        std::vector<double> out;
        for (int64_t i = b; i < e; ++i) out.push_back(10.0 * i);
        return out;
      });
  EXPECT_EQ(calls, (std::vector<std::string>{"fit 0 3", "predict 3 7", "fit 0 7", "predict 7 9"}));
  EXPECT_EQ(predictions, (std::vector<double>{30, 40, 50, 60, 70, 80}));
}

TEST(RunWalkForward, WrongCountOrNaNPredictionIsAnError) {
  const auto fit = [](int64_t, int64_t) {};
  try {
    run_walk_forward(9, {.initial_train = 3, .retrain_every = 4}, fit,
                     [](int64_t, int64_t) { return std::vector<double>{1.0}; });
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("predict(3, 7) returned 1 predictions, expected 4"), std::string::npos)
        << e.what();
  }
  const std::string msg = value_error_of([&] {
    run_walk_forward(9, {.initial_train = 3, .retrain_every = 4}, fit, [](int64_t b, int64_t e) {
      std::vector<double> out(e - b, 1.0);
      if (b == 7) out[1] = std::nan("");
      return out;
    });
  });
  EXPECT_NE(msg.find("sample 8"), std::string::npos) << msg;
}

// Target values read through a guard that remembers the largest index read so far. When a block
// [b, e) is about to be predicted, every target read until then (by fit or earlier blocks) and every
// read during the prediction must lie before b: targets from b on are the future.
class LookaheadGuard {
 public:
  explicit LookaheadGuard(std::vector<double> targets) : targets_(std::move(targets)) {}
  double read(int64_t i) {
    max_read_ = std::max(max_read_, i);
    if (i >= horizon_) ++violations_;
    return targets_[i];
  }
  void start_prediction(int64_t test_begin) {
    if (max_read_ >= test_begin) ++violations_;
    horizon_ = test_begin;
  }
  void start_fit() { horizon_ = static_cast<int64_t>(targets_.size()); }  // judged at the next prediction
  int violations() const { return violations_; }

 private:
  std::vector<double> targets_;
  int64_t max_read_ = -1, horizon_ = 0;
  int violations_ = 0;
};

enum class Cheat { none, fit_reads_test_block, predict_reads_its_target };

// A mean forecaster run through run_walk_forward, honest or cheating.
int lookahead_violations(Cheat cheat) {
  std::vector<double> targets(50);
  for (size_t i = 0; i < targets.size(); ++i) targets[i] = std::sin(0.3 * static_cast<double>(i));
  LookaheadGuard guard(targets);
  double mean = 0;
  run_walk_forward(
      50, {.initial_train = 10, .retrain_every = 7, .window = WindowKind::rolling, .rolling_size = 15},
      [&](int64_t b, int64_t e) {
        guard.start_fit();
        const int64_t end = cheat == Cheat::fit_reads_test_block ? e + 1 : e;
        mean = 0;
        for (int64_t i = b; i < end; ++i) mean += guard.read(i);
        mean /= static_cast<double>(end - b);
      },
      [&](int64_t b, int64_t e) {
        guard.start_prediction(b);
        std::vector<double> out;
        for (int64_t i = b; i < e; ++i) out.push_back(cheat == Cheat::predict_reads_its_target ? guard.read(i) : mean);
        return out;
      });
  return guard.violations();
}

TEST(RunWalkForward, LookaheadGuardPassesHonestAndCatchesCheatingPredictors) {
  EXPECT_EQ(lookahead_violations(Cheat::none), 0);
  // Folds: tests start at 10, 17, 24, 31, 38, 45 (6 blocks); the last fit ends at 45, so e + 1 = 46
  // is readable: every block start is preceded by a read of its first target.
  EXPECT_EQ(lookahead_violations(Cheat::fit_reads_test_block), 6);
  // Every one of the 50 - 10 test targets is peeked at, plus each block after the first starts
  // with the previous block's peeks (max read = b - 1 < b: not a violation).
  EXPECT_EQ(lookahead_violations(Cheat::predict_reads_its_target), 40);
}

}  // namespace
}  // namespace deepfin::backtest
