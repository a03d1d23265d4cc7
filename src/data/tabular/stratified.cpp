#include "deepfin/data/tabular/stratified.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"

namespace deepfin::data {
namespace {

// Row indices of each class, each list shuffled by one generator (classes in id order).
// A map, not a vector indexed by id, so that a stray huge id cannot exhaust memory.
std::map<int64_t, std::vector<int64_t>> shuffled_rows_by_class(const std::vector<int64_t>& classes, uint64_t seed,
                                                               const char* caller) {
  if (classes.empty()) throw ValueError(fmt::format("{}: no rows to split", caller));
  std::map<int64_t, std::vector<int64_t>> rows;
  for (size_t r = 0; r < classes.size(); ++r) {
    const int64_t c = classes[r];
    if (c < 0) throw ValueError(fmt::format("{}: row {} has a negative class id {}", caller, r, c));
    rows[c].push_back(static_cast<int64_t>(r));
  }
  // Fisher-Yates with Generator::below: the same permutation on every platform (std::shuffle is not).
  Generator gen(seed);
  for (auto& [c, list] : rows)
    for (size_t i = list.size(); i > 1; --i) std::swap(list[i - 1], list[gen.below(i)]);
  return rows;
}

// The sorted complement of `test` in [0, n).
std::vector<int64_t> complement(const std::vector<int64_t>& test, size_t n) {
  std::vector<bool> in_test(n, false);
  for (int64_t r : test) in_test[r] = true;
  std::vector<int64_t> rest;
  for (size_t r = 0; r < n; ++r)
    if (!in_test[r]) rest.push_back(static_cast<int64_t>(r));
  return rest;
}

}  // namespace

std::vector<FoldIndices> stratified_kfold(const std::vector<int64_t>& classes, int k, uint64_t seed) {
  if (k < 2) throw ValueError(fmt::format("stratified_kfold: k = {}, but at least 2 folds are needed", k));
  const auto rows = shuffled_rows_by_class(classes, seed, "stratified_kfold");
  for (const auto& [c, list] : rows)
    if (static_cast<int64_t>(list.size()) < k)
      throw ValueError(
          fmt::format("stratified_kfold: class {} has {} rows, fewer than k = {} folds", c, list.size(), k));
  std::vector<FoldIndices> folds(k);
  // Dealing continues where the previous class stopped, so fold totals stay within 1 of each other too.
  size_t next = 0;
  for (const auto& [c, list] : rows)
    for (int64_t r : list) folds[next++ % k].test.push_back(r);
  for (FoldIndices& fold : folds) {
    std::sort(fold.test.begin(), fold.test.end());
    fold.train = complement(fold.test, classes.size());
  }
  return folds;
}

FoldIndices stratified_split(const std::vector<int64_t>& classes, double test_size, uint64_t seed) {
  if (!(test_size > 0 && test_size < 1))
    throw ValueError(fmt::format("stratified_split: test_size = {}, but it must be in (0, 1)", test_size));
  const auto rows = shuffled_rows_by_class(classes, seed, "stratified_split");
  FoldIndices split;
  for (const auto& [c, list] : rows) {
    const int64_t n = static_cast<int64_t>(list.size());
    if (n < 2)
      throw ValueError(fmt::format("stratified_split: class {} has {} row; a split needs at least 2 per class", c, n));
    const int64_t n_test = std::clamp<int64_t>(std::llround(test_size * static_cast<double>(n)), 1, n - 1);
    split.test.insert(split.test.end(), list.begin(), list.begin() + n_test);
  }
  std::sort(split.test.begin(), split.test.end());
  split.train = complement(split.test, classes.size());
  return split;
}

}  // namespace deepfin::data
