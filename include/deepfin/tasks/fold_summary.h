#pragma once
// The spread of a metric over cross-validation folds.
#include <vector>

namespace deepfin::tasks {

struct MeanStd {
  double mean = 0, std = 0;  // std: the sample standard deviation (n - 1); 0 for one fold
};

MeanStd mean_std(const std::vector<double>& per_fold);

}  // namespace deepfin::tasks
