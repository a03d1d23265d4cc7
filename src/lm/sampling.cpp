#include "deepfin/lm/sampling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "deepfin/base/error.h"

namespace deepfin::lm {

void check_sampling_options(const SamplingOptions& o) {
  if (!(o.temperature >= 0.0) || !std::isfinite(o.temperature))
    throw ValueError(
        fmt::format("sampling: temperature must be a finite number >= 0 (0 = greedy), got {}", o.temperature));
  if (o.top_k < 0) throw ValueError(fmt::format("sampling: top_k must be >= 0 (0 = off), got {}", o.top_k));
  if (!(o.top_p > 0.0 && o.top_p <= 1.0))
    throw ValueError(fmt::format("sampling: top_p must be in (0, 1] (1 = off), got {}", o.top_p));
  if (!(o.repetition_penalty > 0.0) || !std::isfinite(o.repetition_penalty))
    throw ValueError(fmt::format("sampling: repetition_penalty must be a finite number > 0 (1 = off), got {}",
                                 o.repetition_penalty));
}

int64_t sample_next_token(std::vector<float> logits, const std::vector<int64_t>& seen, const SamplingOptions& o,
                          Generator& gen) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  if (vocab == 0) throw ValueError("sampling: empty logits");
  for (float l : logits)
    if (std::isnan(l)) throw ValueError("sampling: the model's logits are NaN (its weights are broken)");
  if (o.repetition_penalty != 1.0) {
    std::unordered_set<int64_t> done;
    for (int64_t t : seen) {
      if (t < 0 || t >= vocab || !done.insert(t).second) continue;
      float& l = logits[static_cast<size_t>(t)];
      l = l > 0 ? static_cast<float>(l / o.repetition_penalty) : static_cast<float>(l * o.repetition_penalty);
    }
  }
  if (o.temperature == 0.0)
    return static_cast<int64_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  // Candidates by descending logit (ties: lower id first), cut by top-k.
  std::vector<int64_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t keep = o.top_k > 0 ? std::min<size_t>(static_cast<size_t>(o.top_k), order.size()) : order.size();
  auto by_logit = [&](int64_t a, int64_t b) {
    const float la = logits[static_cast<size_t>(a)], lb = logits[static_cast<size_t>(b)];
    return la > lb || (la == lb && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), by_logit);
  order.resize(keep);
  const double top = static_cast<double>(logits[static_cast<size_t>(order[0])]) / o.temperature;
  std::vector<double> p(order.size());
  double total = 0.0;
  for (size_t i = 0; i < order.size(); ++i) {
    p[i] = std::exp(static_cast<double>(logits[static_cast<size_t>(order[i])]) / o.temperature - top);
    total += p[i];
  }
  // Nucleus: the shortest prefix whose mass reaches top_p (always at least one token).
  size_t cut = p.size();
  if (o.top_p < 1.0) {
    double mass = 0.0;
    for (size_t i = 0; i < p.size(); ++i) {
      mass += p[i] / total;
      if (mass >= o.top_p) {
        cut = i + 1;
        break;
      }
    }
  }
  const double kept = std::accumulate(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(cut), 0.0);
  double u = gen.uniform01() * kept;
  for (size_t i = 0; i < cut; ++i) {
    u -= p[i];
    if (u < 0.0) return order[i];
  }
  return order[cut - 1];  // rounding left u at the very end
}

}  // namespace deepfin::lm
