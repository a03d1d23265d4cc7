#include "tabular_pipeline.h"

#include <cstdlib>

#include "deepfin/data/tabular/preprocessor.h"

namespace deepfin::fuzz {

void run_tabular_pipeline(const data::Table& table) {
  if (table.num_columns() < 2 || table.num_rows() == 0) return;
  const data::TableColumn& target = table.columns.front();
  if (!target.values.front()) return;
  data::PreprocessOptions options;
  options.target = target.name;
  options.positive_label = *target.values.front();
  options.categorical =
      table.num_rows() % 2 ? data::CategoricalEncoding::embedding : data::CategoricalEncoding::one_hot;
  const data::TabularPreprocessor pre = data::TabularPreprocessor::fit(table, options);
  const Tensor x = pre.transform(table);
  const Tensor again = data::TabularPreprocessor::from_json(pre.to_json()).transform(table);
  if (x.shape() != again.shape()) std::abort();  // the round trip must give the same features
}

}  // namespace deepfin::fuzz
