#include "deepfin/data/timeseries/windows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "deepfin/base/error.h"

namespace deepfin::data {
namespace {

using Columns = std::vector<std::vector<double>>;

// Rows from the first to the last input step of one window.
int64_t window_span(const WindowOptions& o) {
  return (o.sequence_length - 1) * o.sampling_rate + 1;
}

int64_t checked_length(const Columns& features, const Columns& targets, bool with_targets) {
  if (features.empty()) throw ValueError("make_windows: no feature columns");
  if (with_targets && targets.empty()) throw ValueError("make_windows: no target columns");
  const size_t n = features[0].size();
  for (size_t f = 1; f < features.size(); ++f)
    if (features[f].size() != n)
      throw ShapeError(fmt::format("make_windows: feature column {} has {} rows but feature column 0 has {}", f,
                                   features[f].size(), n));
  for (size_t k = 0; k < targets.size(); ++k)
    if (targets[k].size() != n)
      throw ShapeError(
          fmt::format("make_windows: target column {} has {} rows but the features have {}", k, targets[k].size(), n));
  return static_cast<int64_t>(n);
}

void check_steps(const WindowOptions& o) {
  if (o.sequence_length < 1 || o.sequence_stride < 1 || o.sampling_rate < 1)
    throw ValueError(
        fmt::format("make_windows: sequence_length ({}), sequence_stride ({}) and sampling_rate ({}) "
                    "must be at least 1",
                    o.sequence_length, o.sequence_stride, o.sampling_rate));
}

std::string span_note(const WindowOptions& o) {
  return o.sampling_rate == 1 ? ""
                              : fmt::format(" (spanning {} rows at sampling rate {})", window_span(o), o.sampling_rate);
}

void check_options(const WindowOptions& o, int64_t rows, int64_t horizon) {
  check_steps(o);
  if (horizon < 1) throw ValueError(fmt::format("make_windows: horizon must be at least 1, got {}", horizon));
  if (horizon >= rows)
    throw ValueError(fmt::format("make_windows: horizon {} is beyond the data (series has {} rows)", horizon, rows));
  const int64_t needed = window_span(o) + horizon;
  if (rows < needed)
    throw ValueError(
        fmt::format("make_windows: series has {} rows; a window of {} steps{} plus horizon {} needs at "
                    "least {}",
                    rows, o.sequence_length, span_note(o), horizon, needed));
}

// Copies the window ending at `last` into out[(L, F)], rejecting NaN.
void copy_window(const Columns& features, const WindowOptions& o, int64_t last, float* out) {
  const auto num_features = static_cast<int64_t>(features.size());
  const int64_t first = last - (o.sequence_length - 1) * o.sampling_rate;
  for (int64_t step = 0; step < o.sequence_length; ++step) {
    const int64_t t = first + step * o.sampling_rate;
    for (int64_t f = 0; f < num_features; ++f) {
      const double v = features[f][t];
      if (std::isnan(v))
        throw ValueError(
            fmt::format("make_windows: feature {} is NaN at time {} (in the window whose last input is {}); "
                        "drop the warm-up rows first",
                        f, t, last));
      out[step * num_features + f] = static_cast<float>(v);
    }
  }
}

}  // namespace

Windows make_windows(const Columns& features, const Columns& targets, const WindowOptions& options) {
  const int64_t rows = checked_length(features, targets, /*with_targets=*/true);
  check_options(options, rows, options.horizon);
  const int64_t end = options.end == -1 ? rows : options.end;
  if (options.begin < 0 || end > rows || options.begin >= end)
    throw ValueError(fmt::format("make_windows: target span [{}, {}) is empty or outside the rows [0, {})",
                                 options.begin, options.end, rows));

  const int64_t first_target = window_span(options) - 1 + options.horizon;  // target of the window starting at 0
  Windows w;
  for (int64_t target = std::max(options.begin, first_target); target < end; target += options.sequence_stride) {
    w.target_time.push_back(target);
    w.last_input.push_back(target - options.horizon);
  }
  if (w.target_time.empty())
    throw ValueError(
        fmt::format("make_windows: no window has its target in [{}, {}); the first possible target is "
                    "time {}",
                    options.begin, end, first_target));

  const auto m = static_cast<int64_t>(w.target_time.size());
  const auto num_features = static_cast<int64_t>(features.size()), num_targets = static_cast<int64_t>(targets.size());
  w.x = Tensor::empty({m, options.sequence_length, num_features}, DType::float32);
  w.y = Tensor::empty({m, num_targets}, DType::float32);
  float* x = w.x.data<float>();
  float* y = w.y.data<float>();
  for (int64_t i = 0; i < m; ++i) {
    copy_window(features, options, w.last_input[i], x + i * options.sequence_length * num_features);
    for (int64_t k = 0; k < num_targets; ++k) {
      const double v = targets[k][w.target_time[i]];
      if (std::isnan(v))
        throw ValueError(fmt::format("make_windows: target {} is NaN at time {}", k, w.target_time[i]));
      y[i * num_targets + k] = static_cast<float>(v);
    }
  }
  return w;
}

Tensor latest_window(const Columns& features, const WindowOptions& options) {
  const int64_t rows = checked_length(features, {}, /*with_targets=*/false);
  check_steps(options);
  if (rows < window_span(options))
    throw ValueError(fmt::format("latest_window: series has {} rows; a window of {} steps{} needs at least {}", rows,
                                 options.sequence_length, span_note(options), window_span(options)));
  Tensor x = Tensor::empty({1, options.sequence_length, static_cast<int64_t>(features.size())}, DType::float32);
  copy_window(features, options, rows - 1, x.data<float>());
  return x;
}

}  // namespace deepfin::data
