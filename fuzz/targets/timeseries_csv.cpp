// Dated price CSV: ISO and decimal-year dates, date order, missing values; then the
// causal features and windows a forecasting job cuts from it.
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/data/timeseries/transforms.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(timeseries_csv) {
  return deepfin::fuzz::run_target("timeseries_csv", [&] {
    using namespace deepfin::data;
    const Table table = parse_csv(deepfin::fuzz::as_text(data, size), "fuzz.csv");
    SeriesOptions options;
    options.date_format = size > 0 && data[0] % 2 ? "decimal_year" : "iso";
    options.missing = size > 1 && data[1] % 2 ? MissingPolicy::forward_fill : MissingPolicy::drop;
    options.order = size > 2 && data[2] % 2 ? DateOrderPolicy::drop : DateOrderPolicy::error;
    const TimeSeries series = series_from_table(table, options);
    if (!series.names.empty()) log_returns(series.values.front());
  });
}
