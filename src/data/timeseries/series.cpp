#include "deepfin/data/timeseries/series.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "deepfin/base/error.h"

namespace deepfin::data {
namespace {

bool is_leap(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int64_t days_in_month(int64_t year, int64_t month) {
  static constexpr int64_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

std::optional<double> parse_finite(std::string_view s) {
  if (s.starts_with('+')) s.remove_prefix(1);  // from_chars takes no leading '+'
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_digits(std::string_view s) {
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

// "YYYY-MM-DD" -> days since 1970-01-01.
std::optional<double> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto year = parse_digits(s.substr(0, 4)), month = parse_digits(s.substr(5, 2)),
             day = parse_digits(s.substr(8, 2));
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  return static_cast<double>(days_from_civil(*year, *month, *day));
}

// 1991.496154 -> days since 1970-01-01: start of the year plus the fraction of that year's length.
std::optional<double> parse_decimal_year(std::string_view s) {
  const auto v = parse_finite(s);
  if (!v || *v < 1 || *v > 9999) return std::nullopt;
  const double year = std::floor(*v);
  const auto y = static_cast<int64_t>(year);
  return static_cast<double>(days_from_civil(y, 1, 1)) + (*v - year) * (is_leap(y) ? 366.0 : 365.0);
}

struct ColumnChoice {
  int64_t date = 0;
  std::vector<int64_t> values;
};

ColumnChoice choose_columns(const Table& table, const SeriesOptions& options) {
  if (table.num_columns() == 0) throw ValueError(fmt::format("{}: the table has no columns", table.source));
  ColumnChoice choice;
  choice.date = options.date_column.empty() ? 0 : table.column_index(options.date_column);
  if (options.value_columns.empty()) {
    for (int64_t c = 0; c < table.num_columns(); ++c)
      if (c != choice.date) choice.values.push_back(c);
  } else {
    for (const std::string& name : options.value_columns) {
      const int64_t c = table.column_index(name);
      if (c == choice.date)
        throw ValueError(
            fmt::format("{}: column '{}' is the date column and cannot also be a value column", table.source, name));
      choice.values.push_back(c);
    }
  }
  if (choice.values.empty())
    throw ValueError(fmt::format("{}: no value columns besides the date column '{}'", table.source,
                                 table.columns[choice.date].name));
  return choice;
}

}  // namespace

int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  // Howard Hinnant's days_from_civil: eras of 400 years, March-based years.
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

MissingPolicy missing_policy_from_string(const std::string& name) {
  if (name == "drop") return MissingPolicy::drop;
  if (name == "ffill" || name == "forward_fill") return MissingPolicy::forward_fill;
  throw ConfigError(fmt::format("unknown missing-value policy '{}'; expected 'drop' or 'ffill'", name));
}

DateOrderPolicy date_order_policy_from_string(const std::string& name) {
  if (name == "error") return DateOrderPolicy::error;
  if (name == "drop") return DateOrderPolicy::drop;
  throw ConfigError(fmt::format("unknown date-order policy '{}'; expected 'error' or 'drop'", name));
}

const std::vector<double>& TimeSeries::column(const std::string& name) const {
  for (size_t c = 0; c < names.size(); ++c)
    if (names[c] == name) return values[c];
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  throw NotFoundError(fmt::format("{}: no value column '{}'; the columns are: {}", source, name, known));
}

TimeSeries TimeSeries::slice(int64_t begin, int64_t end) const {
  if (begin < 0 || end < begin || end > length())
    throw IndexError(
        fmt::format("{}: slice [{}, {}) is outside the series' rows [0, {})", source, begin, end, length()));
  const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
  TimeSeries out{.source = source,
                 .dates = {dates.begin() + b, dates.begin() + e},
                 .time = {time.begin() + b, time.begin() + e},
                 .lines = {lines.begin() + b, lines.begin() + e},
                 .names = names,
                 .values = {}};
  for (const std::vector<double>& v : values) out.values.emplace_back(v.begin() + b, v.begin() + e);
  return out;
}

TimeSeries series_from_table(const Table& table, const SeriesOptions& options) {
  const bool decimal_year = options.date_format == "decimal_year";
  if (!decimal_year && options.date_format != "iso")
    throw ConfigError(fmt::format("unknown date_format '{}'; expected 'iso' or 'decimal_year'", options.date_format));
  const ColumnChoice cols = choose_columns(table, options);
  const size_t num_values = cols.values.size();

  TimeSeries series{.source = table.source, .dates = {}, .time = {}, .lines = {}, .names = {}, .values = {}};
  for (int64_t c : cols.values) series.names.push_back(table.columns[c].name);
  series.values.resize(num_values);

  std::vector<std::optional<double>> last_seen(num_values);  // for forward fill
  std::vector<double> row(num_values);
  int64_t previous_row = -1;  // last row whose date was accepted, for the order check
  double previous_time = 0;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    const auto& date_cell = table.columns[cols.date].values[r];
    if (!date_cell) throw ValueError(fmt::format("{}: the date is missing", table.where(r, cols.date)));
    const auto time = decimal_year ? parse_decimal_year(*date_cell) : parse_iso_date(*date_cell);
    if (!time)
      throw ValueError(fmt::format("{}: '{}' is not a date in the format {}", table.where(r, cols.date), *date_cell,
                                   decimal_year ? "of a decimal year (e.g. 1991.496154)" : "YYYY-MM-DD"));
    if (previous_row >= 0 && *time <= previous_time) {
      if (options.order == DateOrderPolicy::drop) continue;
      throw ValueError(fmt::format("{}: dates must increase: line {} ({}) is not after line {} ({})", table.source,
                                   table.lines[r], *date_cell, table.lines[previous_row],
                                   *table.columns[cols.date].values[previous_row]));
    }
    previous_row = r;
    previous_time = *time;

    bool complete = true;
    for (size_t k = 0; k < num_values; ++k) {
      const auto& cell = table.columns[cols.values[k]].values[r];
      if (cell) {
        const auto v = parse_finite(*cell);
        if (!v) throw ValueError(fmt::format("{}: '{}' is not a number", table.where(r, cols.values[k]), *cell));
        last_seen[k] = *v;
        row[k] = *v;
      } else if (options.missing == MissingPolicy::forward_fill && last_seen[k]) {
        row[k] = *last_seen[k];
      } else {
        complete = false;  // keep parsing the row so a malformed cell is still reported
      }
    }
    if (!complete) continue;
    series.dates.push_back(*date_cell);
    series.time.push_back(*time);
    series.lines.push_back(table.lines[r]);
    for (size_t k = 0; k < num_values; ++k) series.values[k].push_back(row[k]);
  }
  if (series.length() == 0)
    throw ValueError(fmt::format("{}: no rows left after dropping rows with missing values ({} rows read)",
                                 table.source, table.num_rows()));
  return series;
}

TimeSeries read_series_csv(const std::string& path, const SeriesOptions& options) {
  return series_from_table(read_csv(path, options.csv), options);
}

}  // namespace deepfin::data
