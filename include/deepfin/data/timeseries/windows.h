#pragma once
// Sliding windows over a multivariate series for sequence models, like Keras
// timeseries_dataset_from_array: window i holds the feature rows
// s, s + sampling_rate, ..., s + (sequence_length-1)*sampling_rate (its last input step is
// last_input) and its target is the target columns at last_input + horizon. Only rows at or
// before last_input enter x, so a window never sees the period it forecasts.
#include <cstdint>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::data {

struct WindowOptions {
  int64_t sequence_length = 0;  // input steps per window (>= 1)
  int64_t sequence_stride = 1;  // rows between the starts of consecutive windows
  int64_t sampling_rate = 1;    // rows between the steps inside a window
  int64_t horizon = 1;          // target at (last input time + horizon), >= 1
  // Keep the windows whose TARGET time lies in [begin, end) (end -1 = the series length). The first
  // window is the earliest one whose target is >= begin; the next ones follow every sequence_stride rows.
  int64_t begin = 0;
  int64_t end = -1;
};

struct Windows {
  Tensor x;                          // (M, sequence_length, F) float32
  Tensor y;                          // (M, K) float32: the K target columns at the target time
  std::vector<int64_t> last_input;   // time index of each window's last input step
  std::vector<int64_t> target_time;  // last_input + horizon
};

// features[f][t], targets[k][t] over the same T rows. ShapeError for columns of different lengths;
// ValueError for bad options, a series too short for one window plus the horizon, a span with no
// window, or a NaN inside a window's inputs or at its target (naming the time index).
Windows make_windows(const std::vector<std::vector<double>>& features, const std::vector<std::vector<double>>& targets,
                     const WindowOptions& options);

// The single window whose last input is the last row (T-1), for forecasting past the end of the data:
// x of shape (1, sequence_length, F). Same checks as make_windows, without targets or horizon.
Tensor latest_window(const std::vector<std::vector<double>>& features, const WindowOptions& options);

}  // namespace deepfin::data
