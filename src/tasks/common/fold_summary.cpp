#include "deepfin/tasks/fold_summary.h"

#include <cmath>

namespace deepfin::tasks {

MeanStd mean_std(const std::vector<double>& v) {
  if (v.empty()) return {};
  double sum = 0, sq = 0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? std::sqrt(sq / static_cast<double>(v.size() - 1)) : 0.0};
}

}  // namespace deepfin::tasks
