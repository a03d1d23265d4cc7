#pragma once
// Stratified row splits by class id, for cross-validating credit models: each
// fold keeps the share of bad loans. Deterministic for a given seed.
#include <cstdint>
#include <vector>

namespace deepfin::data {

struct FoldIndices {
  std::vector<int64_t> train{}, test{};  // row indices, ascending
};

// k folds over rows with class ids `classes` (0..C-1). Each class's rows are shuffled (seeded std::mt19937_64)
// and dealt round-robin, so per class the fold sizes differ by at most 1 (and so do the fold totals); every
// row is in exactly one test fold. ValueError if k < 2, a class id is negative, or a class has fewer than k rows.
std::vector<FoldIndices> stratified_kfold(const std::vector<int64_t>& classes, int k, uint64_t seed);

// One stratified split: round(test_size * n_c) test rows per class c, at least 1 on each side.
// ValueError if test_size is not in (0, 1), a class id is negative, or a class has fewer than 2 rows.
FoldIndices stratified_split(const std::vector<int64_t>& classes, double test_size, uint64_t seed);

}  // namespace deepfin::data
