#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "checks.h"
#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/calibration.h"

namespace deepfin::metrics {

using namespace credit_detail;

namespace {

struct Block {
  double low = 0, high = 0, label_sum = 0, count = 0;
  double mean() const { return label_sum / count; }
};

}  // namespace

void IsotonicCalibration::fit(std::span<const double> scores, std::span<const int> labels) {
  check_scored_labels("IsotonicCalibration::fit", scores, labels);
  for (size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i]))
      throw ValueError(
          fmt::format("IsotonicCalibration::fit: score at index {} is {}; scores must be finite", i, scores[i]));
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return scores[i] < scores[j]; });

  // Pool-adjacent-violators on a stack: each new block (all samples of one score) merges
  // backwards while the block before it has a strictly larger mean.
  std::vector<Block> blocks;
  for (size_t k = 0; k < order.size();) {
    const double score = scores[order[k]];
    Block block{.low = score, .high = score};
    for (; k < order.size() && scores[order[k]] == score; ++k) {
      block.label_sum += labels[order[k]];
      block.count += 1;
    }
    while (!blocks.empty() && blocks.back().mean() > block.mean()) {
      block.low = blocks.back().low;
      block.label_sum += blocks.back().label_sum;
      block.count += blocks.back().count;
      blocks.pop_back();
    }
    blocks.push_back(block);
  }
  knots_.clear();
  values_.clear();
  for (const Block& block : blocks) {
    knots_.push_back(block.low);
    values_.push_back(block.mean());
    if (block.high > block.low) {
      knots_.push_back(block.high);
      values_.push_back(block.mean());
    }
  }
}

double IsotonicCalibration::transform(double score) const {
  if (knots_.empty()) throw ValueError("IsotonicCalibration::transform: called before fit() or from_json()");
  if (std::isnan(score)) throw ValueError("IsotonicCalibration::transform: score is NaN");
  if (score <= knots_.front()) return values_.front();
  if (score >= knots_.back()) return values_.back();
  const size_t upper = static_cast<size_t>(std::upper_bound(knots_.begin(), knots_.end(), score) - knots_.begin());
  const double x0 = knots_[upper - 1], x1 = knots_[upper];
  return values_[upper - 1] + (score - x0) / (x1 - x0) * (values_[upper] - values_[upper - 1]);
}

nlohmann::json IsotonicCalibration::to_json() const {
  return {{"knots", knots_}, {"values", values_}};
}

IsotonicCalibration IsotonicCalibration::from_json(const nlohmann::json& json) {
  auto fail = [&](const std::string& why) {
    return ValueError(fmt::format("IsotonicCalibration::from_json: {}; got {}", why, json.dump()));
  };
  IsotonicCalibration iso;
  for (const char* key : {"knots", "values"}) {
    if (!json.is_object() || !json.contains(key) || !json[key].is_array())
      throw fail(fmt::format("needs an array \"{}\"", key));
    for (const auto& item : json[key])
      if (!item.is_number() || !std::isfinite(item.get<double>()))
        throw fail(fmt::format("\"{}\" must hold finite numbers", key));
  }
  iso.knots_ = json["knots"].get<std::vector<double>>();
  iso.values_ = json["values"].get<std::vector<double>>();
  if (iso.knots_.empty() || iso.knots_.size() != iso.values_.size())
    throw fail("\"knots\" and \"values\" must be non-empty and of equal length");
  for (size_t i = 1; i < iso.knots_.size(); ++i) {
    if (!(iso.knots_[i] > iso.knots_[i - 1])) throw fail("\"knots\" must be strictly increasing");
    if (iso.values_[i] < iso.values_[i - 1]) throw fail("\"values\" must be non-decreasing");
  }
  return iso;
}

}  // namespace deepfin::metrics
