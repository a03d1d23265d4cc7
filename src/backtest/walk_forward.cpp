// Walk-forward folds and the fit/predict loop over them.
#include "deepfin/backtest/walk_forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::backtest {
namespace {

void check_options(int64_t num_samples, const WalkForwardOptions& o) {
  const auto fail = [](const std::string& why) { throw ValueError(fmt::format("walk_forward_folds: {}", why)); };
  if (o.retrain_every < 1) fail(fmt::format("retrain_every is {}, expected >= 1", o.retrain_every));
  if (o.initial_train < 1 || o.initial_train >= num_samples) {
    fail(fmt::format("initial_train is {}, expected 1 <= initial_train < num_samples = {}", o.initial_train,
                     num_samples));
  }
  if (o.gap < 0) fail(fmt::format("gap is {}, expected >= 0", o.gap));
  if (o.initial_train + o.gap >= num_samples) {
    fail(fmt::format("initial_train {} + gap {} leaves no test sample among num_samples = {}", o.initial_train, o.gap,
                     num_samples));
  }
  if (o.window == WindowKind::rolling && o.rolling_size < 1) {
    fail(fmt::format("a rolling window needs rolling_size >= 1, got {}", o.rolling_size));
  }
}

}  // namespace

std::vector<WalkForwardFold> walk_forward_folds(int64_t num_samples, const WalkForwardOptions& options) {
  check_options(num_samples, options);
  std::vector<WalkForwardFold> folds;
  for (int64_t test_begin = options.initial_train + options.gap; test_begin < num_samples;
       test_begin += options.retrain_every) {
    WalkForwardFold fold;
    fold.test_begin = test_begin;
    fold.test_end = std::min(test_begin + options.retrain_every, num_samples);
    fold.train_end = test_begin - options.gap;
    fold.train_begin =
        options.window == WindowKind::rolling ? std::max<int64_t>(0, fold.train_end - options.rolling_size) : 0;
    folds.push_back(fold);
  }
  return folds;
}

std::vector<double> run_walk_forward(int64_t num_samples, const WalkForwardOptions& options,
                                     const std::function<void(int64_t, int64_t)>& fit,
                                     const std::function<std::vector<double>(int64_t, int64_t)>& predict) {
  std::vector<double> predictions;
  for (const WalkForwardFold& fold : walk_forward_folds(num_samples, options)) {
    fit(fold.train_begin, fold.train_end);
    const std::vector<double> block = predict(fold.test_begin, fold.test_end);
    const int64_t expected = fold.test_end - fold.test_begin;
    if (static_cast<int64_t>(block.size()) != expected) {
      throw ShapeError(fmt::format("run_walk_forward: predict({}, {}) returned {} predictions, expected {}",
                                   fold.test_begin, fold.test_end, block.size(), expected));
    }
    for (size_t i = 0; i < block.size(); ++i) {
      if (!std::isfinite(block[i])) {
        throw ValueError(fmt::format("run_walk_forward: the prediction for sample {} is {}",
                                     fold.test_begin + static_cast<int64_t>(i), block[i]));
      }
    }
    predictions.insert(predictions.end(), block.begin(), block.end());
  }
  return predictions;
}

}  // namespace deepfin::backtest
