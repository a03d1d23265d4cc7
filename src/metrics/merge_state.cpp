// Metric states across processes: data-parallel training merges what each
// process's metric accumulated, so the logged value is that of all the data.
#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/metrics/auc.h"
#include "deepfin/metrics/confusion.h"
#include "deepfin/metrics/metric.h"

namespace deepfin::metrics {
namespace {

void check_size(const Metric& m, const std::vector<double>& state, size_t expected, size_t multiple = 0) {
  const bool ok = multiple ? state.size() % multiple == 0 : state.size() == expected;
  if (!ok)
    throw ValueError(fmt::format("metric '{}': a state of {} numbers cannot be merged (expected {})", m.name(),
                                 state.size(),
                                 multiple ? fmt::format("a multiple of {}", multiple) : std::to_string(expected)));
}

}  // namespace

void WeightedMean::merge_state(const std::vector<double>& state) {
  check_size(*this, state, 2);
  total_ += state[0];
  weight_ += state[1];
}

void ConfusionCounts::merge_state(const std::vector<double>& state) {
  check_size(*this, state, 4);
  tp_ += state[0];
  fp_ += state[1];
  fn_ += state[2];
  tn_ += state[3];
}

std::vector<double> AUC::state() const {
  std::vector<double> out;
  out.reserve(entries_.size() * 3);
  for (const Entry& e : entries_) out.insert(out.end(), {e.score, e.weight, e.positive ? 1.0 : 0.0});
  return out;
}

void AUC::merge_state(const std::vector<double>& state) {
  check_size(*this, state, 0, 3);
  for (size_t i = 0; i < state.size(); i += 3) entries_.push_back({state[i], state[i + 1], state[i + 2] != 0.0});
}

}  // namespace deepfin::metrics
