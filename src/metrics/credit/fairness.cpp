#include "deepfin/metrics/credit/fairness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/roc.h"

namespace deepfin::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(int64_t num, int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : kNaN;
}

// One group's rates from its rows (indices into the spans).
std::map<std::string, double> rates_of(const std::vector<int64_t>& rows, std::span<const double> p,
                                       std::span<const int> y, double threshold) {
  int64_t approved = 0, good = 0, good_approved = 0, bad = 0, bad_approved = 0;
  double p_sum = 0;
  std::vector<double> scores;
  std::vector<int> labels;
  for (int64_t r : rows) {
    const bool approve = p[r] < threshold;
    approved += approve;
    p_sum += p[r];
    if (y[r] == 1) {
      ++bad;
      bad_approved += approve;
    } else {
      ++good;
      good_approved += approve;
    }
    scores.push_back(p[r]);
    labels.push_back(y[r]);
  }
  const auto n = static_cast<int64_t>(rows.size());
  return {{"approval_rate", ratio(approved, n)},
          {"tpr", ratio(good_approved, good)},
          {"fpr", ratio(bad_approved, bad)},
          {"auc", good > 0 && bad > 0 ? roc_auc(scores, labels) : kNaN},
          {"observed_default_rate", ratio(bad, n)},
          {"predicted_default_rate", n > 0 ? p_sum / static_cast<double>(n) : kNaN}};
}

// The most-favoured group: the highest approval rate (ties: the first in name order).
size_t most_favoured(const std::vector<std::map<std::string, double>>& rates) {
  size_t best = 0;
  for (size_t g = 1; g < rates.size(); ++g)
    if (rates[g].at("approval_rate") > rates[best].at("approval_rate")) best = g;
  return best;
}

// Adds the ratios against group `reference`.
void add_relative(std::vector<std::map<std::string, double>>& rates, size_t reference) {
  const double ref_approval = rates[reference].at("approval_rate"), ref_tpr = rates[reference].at("tpr");
  for (auto& r : rates) {
    r["adverse_impact_ratio"] = ref_approval > 0 ? r.at("approval_rate") / ref_approval : kNaN;
    r["equal_opportunity_difference"] = r.at("tpr") - ref_tpr;
  }
}

struct Partition {
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> rows;
};

Partition partition(std::span<const double> p, std::span<const int> y, std::span<const std::string> groups) {
  if (p.size() != y.size() || p.size() != groups.size())
    throw ShapeError(fmt::format("fairness: {} probabilities, {} labels and {} group values must be as many", p.size(),
                                 y.size(), groups.size()));
  if (p.empty()) throw ValueError("fairness: no rows");
  std::map<std::string, std::vector<int64_t>> by_group;
  for (size_t i = 0; i < p.size(); ++i) {
    if (y[i] != 0 && y[i] != 1) throw ValueError(fmt::format("fairness: label {} at row {} is not 0 or 1", y[i], i));
    if (!(p[i] >= 0 && p[i] <= 1))
      throw ValueError(fmt::format("fairness: probability {} at row {} is not in [0, 1]", p[i], i));
    by_group[groups[i]].push_back(static_cast<int64_t>(i));
  }
  Partition out;
  for (auto& [name, rows] : by_group) {
    out.names.push_back(name);
    out.rows.push_back(std::move(rows));
  }
  return out;
}

// The q-quantile of the resamples' values; NaN when more than 5 % of them were undefined
// (a small group's resample without a defaulter has no FPR): an interval from the rest would
// describe only the resamples that happened to have one.
double percentile(std::vector<double> values, double q) {
  const size_t all = values.size();
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  if (values.empty() || static_cast<double>(all - values.size()) > 0.05 * static_cast<double>(all)) return kNaN;
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace

std::vector<GroupFairness> group_rates(std::span<const double> probabilities, std::span<const int> labels,
                                       std::span<const std::string> groups, double threshold) {
  const Partition parts = partition(probabilities, labels, groups);
  std::vector<std::map<std::string, double>> rates;
  for (const auto& rows : parts.rows) rates.push_back(rates_of(rows, probabilities, labels, threshold));
  add_relative(rates, most_favoured(rates));
  std::vector<GroupFairness> out;
  for (size_t g = 0; g < parts.names.size(); ++g) {
    GroupFairness f{.group = parts.names[g], .rows = static_cast<int64_t>(parts.rows[g].size())};
    for (int64_t r : parts.rows[g]) f.adverse_labels += labels[r];
    f.value = rates[g];
    out.push_back(std::move(f));
  }
  return out;
}

FairnessTable fairness_table(std::span<const double> probabilities, std::span<const int> labels,
                             std::span<const std::string> groups, double threshold, int resamples, uint64_t seed) {
  if (resamples < 1) throw ValueError(fmt::format("fairness: resamples must be >= 1, got {}", resamples));
  FairnessTable table{.threshold = threshold};
  table.groups = group_rates(probabilities, labels, groups, threshold);
  const Partition parts = partition(probabilities, labels, groups);
  // The reference stays the point estimate's most-favoured group in every resample: the intervals
  // are of the ratio to that group, not to whichever group happens to lead a resample.
  std::vector<std::map<std::string, double>> estimates;
  for (const auto& g : table.groups) estimates.push_back(g.value);
  const size_t reference = most_favoured(estimates);
  table.reference_group = table.groups[reference].group;

  // samples[group][metric] over the resamples
  std::vector<std::map<std::string, std::vector<double>>> samples(parts.names.size());
  std::mt19937_64 gen(seed);
  std::vector<int64_t> drawn;
  for (int b = 0; b < resamples; ++b) {
    std::vector<std::map<std::string, double>> rates;
    for (const auto& rows : parts.rows) {
      std::uniform_int_distribution<size_t> pick(0, rows.size() - 1);
      drawn.clear();
      for (size_t i = 0; i < rows.size(); ++i) drawn.push_back(rows[pick(gen)]);
      rates.push_back(rates_of(drawn, probabilities, labels, threshold));
    }
    add_relative(rates, reference);
    for (size_t g = 0; g < rates.size(); ++g)
      for (const auto& [metric, v] : rates[g]) samples[g][metric].push_back(v);
  }
  for (size_t g = 0; g < table.groups.size(); ++g)
    for (const std::string& metric : fairness_metric_names()) {
      table.groups[g].low[metric] = percentile(samples[g][metric], 0.025);
      table.groups[g].high[metric] = percentile(samples[g][metric], 0.975);
    }
  return table;
}

}  // namespace deepfin::metrics
