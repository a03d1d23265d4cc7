// Every bad series file is one clear error naming the file, the line and the column.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/timeseries/series.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

TimeSeries parse(const std::string& text, const SeriesOptions& options = {}) {
  return series_from_table(parse_csv(text, "s.csv"), options);
}

TEST(SeriesErrors, MalformedDates) {
  for (const char* bad : {"2020-13-01", "2021-02-29", "2020-1-01", "2020/01/01", "20200101", "2020-01-0x"}) {
    const std::string text = std::string("date,A\n2019-12-31,1\n") + bad + ",2\n";
    EXPECT_TRUE(throws_with<ValueError>([&] { parse(text); },
                                        {"s.csv:3: column 'date'", std::string("'") + bad + "'", "YYYY-MM-DD"}))
        << bad;
  }
  EXPECT_NO_THROW(parse("date,A\n2020-02-29,1\n"));  // a real leap day
}

TEST(SeriesErrors, MalformedDecimalYear) {
  SeriesOptions o;
  o.date_format = "decimal_year";
  EXPECT_TRUE(throws_with<ValueError>([&] { parse("t,A\n1991.5,1\n1991.6x,2\n", o); },
                                      {"s.csv:3: column 't'", "'1991.6x'", "decimal year"}));
}

TEST(SeriesErrors, MissingDate) {
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date,A\n2020-01-01,1\nNA,2\n"); },
                                      {"s.csv:3: column 'date'", "date is missing"}));
}

TEST(SeriesErrors, MalformedNumberEvenInARowThatWouldBeDropped) {
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date,A,B\n2020-01-01,1,2\n2020-01-02,1.2.3,\n"); },
                                      {"s.csv:3: column 'A'", "'1.2.3' is not a number"}));
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date,A\n2020-01-01,inf\n"); }, {"s.csv:2: column 'A'", "'inf'"}));
}

TEST(SeriesErrors, DatesMustIncrease) {
  const std::string text = "date,A\n2020-01-02,1\n2020-01-05,2\n2020-01-03,3\n2020-01-06,4\n";
  try {
    parse(text);
    FAIL() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "s.csv: dates must increase: line 4 (2020-01-03) is not after line 3 (2020-01-05)");
  }
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date,A\n2020-01-02,1\n2020-01-02,2\n"); },
                                      {"line 3 (2020-01-02) is not after line 2 (2020-01-02)"}));
  SeriesOptions o;
  o.order = DateOrderPolicy::drop;
  const TimeSeries s = parse(text, o);
  EXPECT_EQ(s.lines, (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(s.column("A"), (std::vector<double>{1, 2, 4}));
}

TEST(SeriesErrors, UnknownColumnsListTheColumns) {
  SeriesOptions o;
  o.value_columns = {"Close"};
  EXPECT_TRUE(throws_with<NotFoundError>([&] { parse("date,Open,High\n2020-01-01,1,2\n", o); },
                                         {"s.csv", "'Close'", "date, Open, High"}));
  o = {};
  o.date_column = "Date";
  EXPECT_TRUE(throws_with<NotFoundError>([&] { parse("date,Open\n2020-01-01,1\n", o); }, {"'Date'", "date, Open"}));
  const TimeSeries s = parse("date,Open\n2020-01-01,1\n");
  EXPECT_TRUE(throws_with<NotFoundError>([&] { s.column("Close"); }, {"s.csv", "'Close'", "Open"}));
}

TEST(SeriesErrors, DateColumnIsNotAValueColumn) {
  SeriesOptions o;
  o.value_columns = {"date"};
  EXPECT_TRUE(throws_with<ValueError>([&] { parse("date,A\n2020-01-01,1\n", o); }, {"'date' is the date column"}));
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date\n2020-01-01\n"); }, {"no value columns"}));
}

TEST(SeriesErrors, NothingLeftAfterDropping) {
  EXPECT_TRUE(throws_with<ValueError>([] { parse("date,A\n2020-01-01,\n2020-01-02,NA\n"); },
                                      {"s.csv", "no rows left", "2 rows read"}));
  SeriesOptions o;
  o.missing = MissingPolicy::forward_fill;
  EXPECT_TRUE(throws_with<ValueError>([&] { parse("date,A\n2020-01-01,\n", o); }, {"no rows left"}));
}

TEST(SeriesErrors, UnknownDateFormat) {
  SeriesOptions o;
  o.date_format = "us";
  EXPECT_TRUE(throws_with<ConfigError>([&] { parse("date,A\n2020-01-01,1\n", o); }, {"'us'", "'iso'", "decimal_year"}));
}

}  // namespace
}  // namespace deepfin::data
