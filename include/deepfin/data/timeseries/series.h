#pragma once
// Dated market series (prices, index levels) read from CSV: one date column and
// numeric value columns, rows in strictly increasing date order, with a policy
// for missing cells (exchange holidays are often listed with a blank value).
// Every row keeps its source line so later errors can name file:line.
#include <cstdint>
#include <string>
#include <vector>

#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/table.h"

namespace deepfin::data {

// What to do with a row whose value cell is blank / NA.
enum class MissingPolicy {
  drop,          // drop the row
  forward_fill,  // carry the column's last observed value forward; rows before a first value are dropped
};
// "drop" or "ffill" (also "forward_fill"); ConfigError otherwise.
MissingPolicy missing_policy_from_string(const std::string& name);

// What to do with a row whose date is not after the previous row's.
enum class DateOrderPolicy {
  error,  // ValueError naming both lines (the default: a series out of order is a broken file)
  drop,   // drop the row (e.g. fbasics nyse.csv has one year typo and one repeated date)
};
// "error" or "drop"; ConfigError otherwise.
DateOrderPolicy date_order_policy_from_string(const std::string& name);

struct SeriesOptions {
  std::string date_column = {};                 // empty: the first column
  std::vector<std::string> value_columns = {};  // empty: every other column
  std::string date_format = "iso";              // "iso" (YYYY-MM-DD) or "decimal_year" (1991.496154)
  MissingPolicy missing = MissingPolicy::drop;
  DateOrderPolicy order = DateOrderPolicy::error;
  CsvOptions csv = {};  // delimiter, missing markers ("" and "NA" by default), encoding
};

struct TimeSeries {
  std::string source;
  std::vector<std::string> dates;           // as written (ISO text, or the decimal-year text)
  std::vector<double> time;                 // days since 1970-01-01 (fractional for decimal_year), strictly increasing
  std::vector<int64_t> lines;               // source line of each row
  std::vector<std::string> names;           // value column names
  std::vector<std::vector<double>> values;  // values[c][t], all finite

  int64_t length() const { return static_cast<int64_t>(time.size()); }
  // The values of the column called `name`; NotFoundError listing the names there are.
  const std::vector<double>& column(const std::string& name) const;
  // Rows [begin, end); IndexError outside [0, length()].
  TimeSeries slice(int64_t begin, int64_t end) const;
};

// ValueError (file:line: column 'x') for a malformed date or number, a missing date, dates out of order
// (under DateOrderPolicy::error), or no rows left; NotFoundError for an unknown column; ConfigError for
// an unknown date_format.
TimeSeries series_from_table(const Table& table, const SeriesOptions& options = {});
// read_csv(path, options.csv) then series_from_table.
TimeSeries read_series_csv(const std::string& path, const SeriesOptions& options = {});

// Days since 1970-01-01 of a proleptic Gregorian date (negative before 1970).
int64_t days_from_civil(int64_t year, int64_t month, int64_t day);

}  // namespace deepfin::data
