// Weka ARFF: @relation/@attribute/@data, nominal and string declarations, quoting,
// '?' for missing; then the same preprocessing a credit job runs.
#include "deepfin/data/tabular/arff.h"

#include "fuzz_target.h"
#include "tabular_pipeline.h"

DEEPFIN_FUZZ_TARGET(arff) {
  return deepfin::fuzz::run_target("arff", [&] {
    deepfin::fuzz::run_tabular_pipeline(deepfin::data::parse_arff(deepfin::fuzz::as_text(data, size), "fuzz.arff"));
  });
}
