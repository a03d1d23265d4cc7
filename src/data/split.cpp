#include "deepfin/data/split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "data/gather.h"
#include "deepfin/core/random.h"

namespace deepfin::data {
namespace {

int64_t test_count(double test_size, int64_t n) {
  int64_t n_test;
  if (test_size > 0 && test_size < 1)
    n_test = static_cast<int64_t>(std::ceil(test_size * static_cast<double>(n)));
  else if (test_size >= 1 && test_size == std::floor(test_size))
    n_test = static_cast<int64_t>(test_size);
  else
    throw ValueError(fmt::format(
        "train_test_split: test_size must be a fraction in (0, 1) or a whole count >= 1, got {}", test_size));
  if (n_test >= n || n_test <= 0)
    throw ValueError(
        fmt::format("train_test_split: test_size = {} of {} samples leaves an empty train or test set", test_size, n));
  return n_test;
}

// Per-class test counts proportional to class sizes, by largest remainder so they sum to n_test.
std::map<int64_t, int64_t> stratified_counts(const std::map<int64_t, std::vector<int64_t>>& by_class, int64_t n,
                                             int64_t n_test) {
  std::map<int64_t, int64_t> counts;
  std::vector<std::pair<double, int64_t>> remainders;  // (fraction, class)
  int64_t assigned = 0;
  for (const auto& [c, members] : by_class) {
    const double exact = static_cast<double>(members.size()) * static_cast<double>(n_test) / static_cast<double>(n);
    counts[c] = static_cast<int64_t>(std::floor(exact));
    assigned += counts[c];
    remainders.emplace_back(exact - std::floor(exact), c);
  }
  // Larger remainders first; ties go to the smaller class label, so the result is deterministic.
  std::sort(remainders.begin(), remainders.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t i = 0; assigned < n_test && i < remainders.size(); ++i, ++assigned) counts[remainders[i].second]++;
  return counts;
}

}  // namespace

Split train_test_split(const Tensor& x, const Tensor& y, const SplitOptions& options) {
  if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0))
    throw ShapeError(fmt::format("train_test_split: x {} and y {} must have the same number of samples (axis 0)",
                                 shape_str(x.shape()), shape_str(y.shape())));
  const int64_t n = x.size(0);
  const int64_t n_test = test_count(options.test_size, n);
  if (options.stratify && !options.shuffle) throw ValueError("train_test_split: stratify = true needs shuffle = true");

  Generator local(options.seed);
  Generator& gen = options.seed != 0 ? local : default_generator();
  std::vector<int64_t> train, test;
  if (!options.shuffle) {
    for (int64_t i = 0; i < n; ++i) (i < n - n_test ? train : test).push_back(i);
  } else if (!options.stratify) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    detail::shuffle_indices(order, gen);
    test.assign(order.begin(), order.begin() + n_test);
    train.assign(order.begin() + n_test, order.end());
  } else {
    const std::vector<int64_t> classes = class_indices(y, "train_test_split").to_vector<int64_t>();
    std::map<int64_t, std::vector<int64_t>> by_class;
    for (int64_t i = 0; i < n; ++i) by_class[classes[i]].push_back(i);
    const std::map<int64_t, int64_t> counts = stratified_counts(by_class, n, n_test);
    for (auto& [c, members] : by_class) {
      detail::shuffle_indices(members, gen);
      const int64_t k = counts.at(c);
      test.insert(test.end(), members.begin(), members.begin() + k);
      train.insert(train.end(), members.begin() + k, members.end());
    }
    // Mix the classes, so neither part is sorted by label.
    detail::shuffle_indices(test, gen);
    detail::shuffle_indices(train, gen);
  }

  const Tensor xc = detail::contiguous_rows(x), yc = detail::contiguous_rows(y);
  return {detail::gather_rows(xc, train), detail::gather_rows(xc, test), detail::gather_rows(yc, train),
          detail::gather_rows(yc, test)};
}

}  // namespace deepfin::data
