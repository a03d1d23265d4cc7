// Reading dated series: ISO and decimal-year dates, column choice, drop vs forward fill.
#include "deepfin/data/timeseries/series.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

TimeSeries parse_series(const std::string& text, const SeriesOptions& options = {}) {
  return series_from_table(parse_csv(text, "s.csv"), options);
}

TEST(DaysFromCivil, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(1971, 1, 1), 365);
  EXPECT_EQ(days_from_civil(2000, 1, 1), 10957);                             // 30 years, 7 leap days (72..96)
  EXPECT_EQ(days_from_civil(2000, 3, 1), 10957 + 31 + 29);                   // 2000 is a leap year
  EXPECT_EQ(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);  // 1900 is not
}

TEST(Series, IsoDatesAndEveryOtherColumnByDefault) {
  const TimeSeries s = parse_series("date,A,B\n1970-01-01,1,10\n1970-01-02,2.5,-3e2\n2000-03-01,+4,0\n");
  EXPECT_EQ(s.source, "s.csv");
  EXPECT_EQ(s.length(), 3);
  EXPECT_EQ(s.dates, (std::vector<std::string>{"1970-01-01", "1970-01-02", "2000-03-01"}));
  EXPECT_EQ(s.time, (std::vector<double>{0, 1, 11017}));
  EXPECT_EQ(s.lines, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(s.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(s.column("A"), (std::vector<double>{1, 2.5, 4}));
  EXPECT_EQ(s.column("B"), (std::vector<double>{10, -300, 0}));
}

TEST(Series, ChosenDateAndValueColumnsInTheOrderAsked) {
  SeriesOptions o;
  o.date_column = "d";
  o.value_columns = {"C", "A"};
  const TimeSeries s = parse_series("A,d,B,C\n1,\"2020-02-28\",x,5\n2,\"2020-02-29\",y,6\n", o);
  EXPECT_EQ(s.names, (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(s.values, (std::vector<std::vector<double>>{{5, 6}, {1, 2}}));
  EXPECT_EQ(s.time[1] - s.time[0], 1);  // the text column B is never parsed
}

// Blanks and NA: line 2 has no A yet, line 3 no B, line 5 no A, line 6 no B.
constexpr const char* kGappy =
    "date,A,B\n"
    "2020-01-01,,5\n"
    "2020-01-02,1,NA\n"
    "2020-01-03,2,6\n"
    "2020-01-06,,7\n"
    "2020-01-07,3,\n"
    "2020-01-08,4,8\n";

TEST(Series, DropRemovesEveryRowWithAMissingValue) {
  const TimeSeries s = parse_series(kGappy);
  EXPECT_EQ(s.lines, (std::vector<int64_t>{4, 7}));
  EXPECT_EQ(s.dates, (std::vector<std::string>{"2020-01-03", "2020-01-08"}));
  EXPECT_EQ(s.values, (std::vector<std::vector<double>>{{2, 4}, {6, 8}}));
}

TEST(Series, ForwardFillCarriesTheLastValueAndDropsOnlyLeadingGaps) {
  SeriesOptions o;
  o.missing = MissingPolicy::forward_fill;
  const TimeSeries s = parse_series(kGappy, o);
  // Line 2 is dropped (A has no earlier value) but its B=5 still fills line 3.
  EXPECT_EQ(s.lines, (std::vector<int64_t>{3, 4, 5, 6, 7}));
  EXPECT_EQ(s.column("A"), (std::vector<double>{1, 2, 2, 3, 4}));
  EXPECT_EQ(s.column("B"), (std::vector<double>{5, 6, 7, 7, 8}));
}

TEST(Series, DecimalYearDates) {
  SeriesOptions o;
  o.date_format = "decimal_year";
  const TimeSeries s = parse_series("\"t\",\"X\"\n1991.5,1\n1992.0,2\n2000.25,3\n", o);
  const double y1991 = 21 * 365 + 5;  // leap days 1972..1988
  EXPECT_EQ(s.dates, (std::vector<std::string>{"1991.5", "1992.0", "2000.25"}));
  EXPECT_DOUBLE_EQ(s.time[0], y1991 + 182.5);
  EXPECT_DOUBLE_EQ(s.time[1], y1991 + 365);
  EXPECT_DOUBLE_EQ(s.time[2], 10957 + 0.25 * 366);  // 2000 has 366 days
}

TEST(Series, SliceKeepsRowsAndTheirLines) {
  const TimeSeries s = parse_series("date,A\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n2020-01-04,4\n").slice(1, 3);
  EXPECT_EQ(s.dates, (std::vector<std::string>{"2020-01-02", "2020-01-03"}));
  EXPECT_EQ(s.lines, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(s.column("A"), (std::vector<double>{2, 3}));
  EXPECT_EQ(s.slice(0, 0).length(), 0);
  EXPECT_TRUE(throws_with<IndexError>([&] { s.slice(1, 3); }, {"s.csv", "[1, 3)", "[0, 2)"}));
}

TEST(Series, PolicyNames) {
  EXPECT_EQ(missing_policy_from_string("drop"), MissingPolicy::drop);
  EXPECT_EQ(missing_policy_from_string("ffill"), MissingPolicy::forward_fill);
  EXPECT_EQ(date_order_policy_from_string("drop"), DateOrderPolicy::drop);
  EXPECT_TRUE(throws_with<ConfigError>([] { missing_policy_from_string("bfill"); }, {"'bfill'", "'drop'", "'ffill'"}));
  EXPECT_TRUE(throws_with<ConfigError>([] { date_order_policy_from_string("sort"); }, {"'sort'", "'error'"}));
}

}  // namespace
}  // namespace deepfin::data
