#pragma once
// One feature column's part of the TabularPreprocessor: fitting its statistics on
// the training rows, naming its output features, and encoding its cells.
#include <cstdint>
#include <vector>

#include "deepfin/data/tabular/preprocessor.h"

namespace deepfin::data::detail {

// Fits column `col` of `train` as `kind`. ValueError (file:line: column) for a cell the kind cannot hold.
ColumnInfo fit_column(const Table& train, int64_t col, ColumnKind kind, const PreprocessOptions& options);

// Appends the output features of `column` (the source-th fitted column) to `features`.
void append_features(const ColumnInfo& column, int64_t source, CategoricalEncoding encoding,
                     std::vector<FeatureInfo>& features);

// Writes column `column`'s features for every row of table column `col` into the row-major matrix `out`
// (row stride `stride`), starting at feature index `first`. Returns the number of unseen categories.
int64_t encode_column(const ColumnInfo& column, CategoricalEncoding encoding, const Table& table, int64_t col,
                      float* out, int64_t stride, int64_t first);

}  // namespace deepfin::data::detail
