// Tabular CSV (RFC 4180 quoting, encodings, missing markers), then what a credit job
// does with it: infer each column's kind, fit the preprocessor with the first
// column as the target, and transform the rows.
#include "deepfin/data/tabular/csv.h"

#include "fuzz_target.h"
#include "tabular_pipeline.h"

DEEPFIN_FUZZ_TARGET(csv) {
  return deepfin::fuzz::run_target("csv", [&] {
    deepfin::data::CsvOptions options;
    options.encoding = size > 0 && data[0] % 2 ? "latin-1" : "utf-8";
    deepfin::fuzz::run_tabular_pipeline(
        deepfin::data::parse_csv(deepfin::fuzz::as_text(data, size), "fuzz.csv", options));
  });
}
