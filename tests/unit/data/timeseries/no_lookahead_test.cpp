// The no-look-ahead proof: build market features, a training-span scaler, windows and the
// predictions of a fixed linear model from raw prices; then rewrite every raw value after
// time t and check that everything that should depend only on times <= t is bit-identical.
// A deliberately leaky feature shows the check can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "deepfin/data/timeseries/scaler.h"
#include "deepfin/data/timeseries/transforms.h"
#include "deepfin/data/timeseries/windows.h"

namespace deepfin::data {
namespace {

constexpr int64_t kRows = 400;
constexpr int64_t kTrainRows = 120;  // scaler span: the first 120 complete rows
constexpr int64_t kSteps = 15;       // window length

struct Raw {
  std::vector<double> close, volume;
};

Raw random_market() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> ret(0.0003, 0.01);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Raw raw;
  double price = 100;
  for (int64_t t = 0; t < kRows; ++t) {
    price *= std::exp(ret(rng));
    raw.close.push_back(price);
    raw.volume.push_back(1e6 * (1 + 0.1 * unit(rng)));
  }
  return raw;
}

// Every raw value after t rewritten (prices stay positive).
Raw rewritten_after(const Raw& raw, int64_t t) {
  Raw out = raw;
  for (int64_t s = t + 1; s < kRows; ++s) {
    out.close[s] *= 1.5 + 0.5 * std::sin(static_cast<double>(s));
    out.volume[s] += 1000;
  }
  return out;
}

// mean of v[t-2 .. t+2]: uses the future, so a correct check must flag it.
std::vector<double> centered_mean(const std::vector<double>& v) {
  std::vector<double> out(v.size(), std::nan(""));
  for (size_t t = 2; t + 2 < v.size(); ++t) out[t] = (v[t - 2] + v[t - 1] + v[t] + v[t + 1] + v[t + 2]) / 5;
  return out;
}

struct Pipeline {
  int64_t start = 0;  // first complete row; sliced row j is raw row start + j
  Columns features;   // raw-indexed, NaN in the warm-up
  StandardScaler scaler;
  Windows windows, scaled_windows;
  std::vector<double> predictions;  // fixed linear model on the scaled windows
};

Pipeline run(const Raw& raw, bool leaky) {
  Pipeline p;
  const std::vector<double> r = simple_returns(raw.close), lr = log_returns(raw.close);
  p.features = {lr,         r,          rolling_mean(raw.close, 10), rolling_volatility(r, 10),
                lag(lr, 1), lag(lr, 5), rolling_std(raw.close, 20),  rolling_mean(raw.volume, 5),
                raw.close};
  if (leaky) p.features.push_back(centered_mean(raw.close));
  p.start = first_complete_row(p.features);
  Columns sliced;
  for (const auto& column : p.features) sliced.emplace_back(column.begin() + p.start, column.end() - (leaky ? 2 : 0));
  const Columns target = {sliced[0]};  // next day's log return
  p.scaler.fit(sliced, 0, kTrainRows);
  const Columns scaled = p.scaler.transform(sliced);
  p.windows = make_windows(sliced, target, {.sequence_length = kSteps});
  p.scaled_windows = make_windows(scaled, target, {.sequence_length = kSteps});
  const int64_t per_window = kSteps * static_cast<int64_t>(sliced.size());
  const float* x = p.scaled_windows.x.data<float>();
  for (size_t i = 0; i < p.scaled_windows.last_input.size(); ++i) {
    double sum = 0.25;
    for (int64_t k = 0; k < per_window; ++k) sum += std::sin(0.1 * static_cast<double>(k + 1)) * x[i * per_window + k];
    p.predictions.push_back(sum);
  }
  return p;
}

bool same_bits(const void* a, const void* b, size_t bytes) {
  return std::memcmp(a, b, bytes) == 0;
}
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && same_bits(a.data(), b.data(), a.size() * sizeof(double));
}
bool same_window(const Windows& a, const Windows& b, size_t i) {
  const auto per_window = static_cast<size_t>(a.x.size(1) * a.x.size(2));
  return same_bits(a.x.data<float>() + i * per_window, b.x.data<float>() + i * per_window, per_window * sizeof(float));
}

// Everything that may depend only on raw rows <= t is bit-identical between `a` and `b`.
::testing::AssertionResult identical_through(const Pipeline& a, const Pipeline& b, int64_t t) {
  if (a.start != b.start) return ::testing::AssertionFailure() << "start " << a.start << " vs " << b.start;
  for (size_t c = 0; c < a.features.size(); ++c)
    for (int64_t s = 0; s <= t; ++s)
      if (!same_bits(&a.features[c][s], &b.features[c][s], sizeof(double)))
        return ::testing::AssertionFailure() << "feature " << c << " changed at time " << s;
  const bool scaler_before_t = a.start + a.scaler.fit_end() - 1 <= t;
  if (scaler_before_t &&
      !(same_bits(a.scaler.mean(), b.scaler.mean()) && same_bits(a.scaler.scale(), b.scaler.scale())))
    return ::testing::AssertionFailure() << "the scaler changed";
  if (a.windows.last_input != b.windows.last_input) return ::testing::AssertionFailure() << "window layout changed";
  for (size_t i = 0; i < a.windows.last_input.size(); ++i) {
    if (a.start + a.windows.last_input[i] > t) continue;
    if (!same_window(a.windows, b.windows, i))
      return ::testing::AssertionFailure()
             << "window " << i << " (last input " << a.windows.last_input[i] << ") changed";
    if (scaler_before_t && !(same_window(a.scaled_windows, b.scaled_windows, i) &&
                             same_bits(&a.predictions[i], &b.predictions[i], sizeof(double))))
      return ::testing::AssertionFailure() << "scaled window or prediction " << i << " changed";
  }
  return ::testing::AssertionSuccess();
}

TEST(NoLookAhead, RewritingTheFutureChangesNothingUpToT) {
  const Raw raw = random_market();
  const Pipeline base = run(raw, false);
  ASSERT_EQ(base.start, 19);  // rolling_std over 20 closes is first defined at row 19
  ASSERT_EQ(base.windows.last_input.size(), static_cast<size_t>(kRows - base.start - kSteps));
  for (const int64_t t : std::vector<int64_t>{25, 60, 137, 138, 139, 200, 301, kRows - 2}) {
    const Pipeline changed = run(rewritten_after(raw, t), false);
    EXPECT_TRUE(identical_through(base, changed, t)) << "t = " << t;

    // And the rewrite is visible right after t: the checks above compare data that did change.
    EXPECT_NE(base.features[0][t + 1], changed.features[0][t + 1]) << "t = " << t;
    const bool scaler_before_t = base.start + kTrainRows - 1 <= t;  // 138 is the span's last raw row
    EXPECT_EQ(base.scaler.mean() == changed.scaler.mean(), scaler_before_t) << "t = " << t;
    const int64_t later = t + 1 - base.start - kSteps + 1;  // the window whose last input is row t+1
    if (later >= 0 && later < static_cast<int64_t>(base.windows.last_input.size())) {
      EXPECT_EQ(base.start + base.windows.last_input[later], t + 1);
      EXPECT_FALSE(same_window(base.windows, changed.windows, later)) << "t = " << t;
    }
  }
}

TEST(NoLookAhead, CatchesAFeatureThatPeeksAhead) {
  const Raw raw = random_market();
  const Pipeline base = run(raw, true);
  const ::testing::AssertionResult result = identical_through(base, run(rewritten_after(raw, 200), true), 200);
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("feature 9 changed at time 199"), std::string::npos) << result.message();
}

}  // namespace
}  // namespace deepfin::data
