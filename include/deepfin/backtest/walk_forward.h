#pragma once
// Walk-forward evaluation of a time-series forecaster: fit on the past, predict the next block
// of samples, move on, refit. Samples are indexed in time order; every range is half-open.
//
//   auto preds = backtest::run_walk_forward(n, {.initial_train = 500, .retrain_every = 20},
//       [&](int64_t b, int64_t e) { model.fit(x.slice(b, e), y.slice(b, e)); },
//       [&](int64_t b, int64_t e) { return to_vector(model.predict(x.slice(b, e))); });
#include <cstdint>
#include <functional>
#include <vector>

namespace deepfin::backtest {

enum class WindowKind { expanding, rolling };

struct WalkForwardOptions {
  int64_t initial_train = 0;   // samples in the first training window (>= 1)
  int64_t retrain_every = 20;  // k: refit after every k test samples (>= 1)
  WindowKind window = WindowKind::expanding;
  int64_t rolling_size = 0;  // rolling: train on at most the last rolling_size samples before the gap
  // Samples skipped between train end and test start. With a forecast horizon h (the target of
  // sample i is known only at i + h - 1), use gap = h - 1 so no training target overlaps the test span.
  int64_t gap = 0;
};

// Half-open sample ranges: fit on [train_begin, train_end), predict [test_begin, test_end).
struct WalkForwardFold {
  int64_t train_begin = 0, train_end = 0, test_begin = 0, test_end = 0;
};

// The folds, in time order. Test ranges tile [initial_train + gap, num_samples) in blocks of
// retrain_every (the last block may be shorter); each fold trains on samples ending `gap` before
// its test block (train_end = test_begin - gap): expanding windows start at 0, rolling windows at
// max(0, train_end - rolling_size). ValueError (with the numbers) for retrain_every < 1,
// initial_train < 1 or >= num_samples, gap < 0, initial_train + gap >= num_samples, or a rolling
// window without rolling_size >= 1.
std::vector<WalkForwardFold> walk_forward_folds(int64_t num_samples, const WalkForwardOptions& options);

// Runs the folds: fit(train_begin, train_end), then predict(test_begin, test_end), which must
// return one prediction per test sample (ShapeError otherwise; ValueError naming the sample for a
// non-finite one). Returns the predictions for samples [initial_train + gap, num_samples) in order.
std::vector<double> run_walk_forward(int64_t num_samples, const WalkForwardOptions& options,
                                     const std::function<void(int64_t, int64_t)>& fit,
                                     const std::function<std::vector<double>(int64_t, int64_t)>& predict);

}  // namespace deepfin::backtest
