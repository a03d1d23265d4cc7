// The market files in ../shared/data (skipped where absent): row counts from their SOURCE.md
// and ../shared/data/BASELINES.md, first values as written in the files.
#include <gtest/gtest.h>

#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/timeseries/series.h"
#include "testing/paths.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

std::string shared_file(const std::string& relative) {
  return deepfin::testing::shared_data_dir() + "/" + relative;
}

#define SKIP_IF_ABSENT(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not there"

void expect_strictly_increasing(const TimeSeries& s) {
  for (int64_t t = 1; t < s.length(); ++t) ASSERT_LT(s.time[t - 1], s.time[t]) << "row " << t;
}

TEST(RealFiles, FredSp500BlanksDroppedOrFilled) {
  const std::string path = shared_file("sp500_fred_daily/fred_sp500.csv");
  SKIP_IF_ABSENT(path);
  const TimeSeries dropped = read_series_csv(path);
  EXPECT_EQ(dropped.length(), 2514);  // 2,609 weekdays less 95 blank holidays
  EXPECT_EQ(dropped.names, (std::vector<std::string>{"SP500"}));
  EXPECT_EQ(dropped.dates.front(), "2016-02-12");
  EXPECT_EQ(dropped.column("SP500").front(), 1864.78);
  EXPECT_EQ(dropped.dates[1], "2016-02-16");  // 2016-02-15 (Presidents' Day) is blank
  EXPECT_EQ(dropped.time[1] - dropped.time[0], 4);
  expect_strictly_increasing(dropped);

  SeriesOptions o;
  o.missing = MissingPolicy::forward_fill;
  const TimeSeries filled = read_series_csv(path, o);
  EXPECT_EQ(filled.length(), 2609);  // the first row has a value, so nothing is leading
  EXPECT_EQ(filled.dates[1], "2016-02-15");
  EXPECT_EQ(filled.column("SP500")[1], 1864.78);
}

TEST(RealFiles, NyseHasTwoDateDefectsThatTheOrderPolicyHandles) {
  const std::string path = shared_file("fbasics_nyse/nyse.csv");
  SKIP_IF_ABSENT(path);
  EXPECT_EQ(read_csv(path).num_rows(), 9311);
  // Line 289 says 1966-02-23 between 1967-02-21 and 1967-02-24; line 964 repeats 1969-12-08.
  EXPECT_TRUE(throws_with<ValueError>([&] { read_series_csv(path); },
                                      {"nyse.csv: dates must increase: line 289 (1966-02-23) is not after line 288 "
                                       "(1967-02-21)"}));
  SeriesOptions o;
  o.order = DateOrderPolicy::drop;
  const TimeSeries s = read_series_csv(path, o);
  EXPECT_EQ(s.length(), 9311 - 2);
  EXPECT_EQ(s.dates.front(), "1966-01-04");
  EXPECT_EQ(s.dates.back(), "2002-12-31");
  EXPECT_EQ(s.column("NYSE").front(), 49.92);
  expect_strictly_increasing(s);
}

TEST(RealFiles, DowJones30) {
  const std::string path = shared_file("fbasics_dowjones30/DowJones30.csv");
  SKIP_IF_ABSENT(path);
  const TimeSeries s = read_series_csv(path);
  EXPECT_EQ(s.length(), 2529);
  ASSERT_EQ(s.names.size(), 30u);
  EXPECT_EQ(s.names.front(), "AA");
  EXPECT_EQ(s.names.back(), "DIS");
  EXPECT_EQ(s.column("MSFT").front(), 2.08);
  expect_strictly_increasing(s);
}

TEST(RealFiles, EuStockMarketsInDecimalYears) {
  const std::string path = shared_file("eustockmarkets/EuStockMarkets.csv");
  SKIP_IF_ABSENT(path);
  SeriesOptions o;
  o.date_format = "decimal_year";
  const TimeSeries s = read_series_csv(path, o);
  EXPECT_EQ(s.length(), 1860);
  EXPECT_EQ(s.names, (std::vector<std::string>{"DAX", "SMI", "CAC", "FTSE"}));
  EXPECT_EQ(s.dates.front(), "1991.496154");
  EXPECT_EQ(s.column("DAX").front(), 1628.75);
  EXPECT_EQ(s.column("FTSE").front(), 2443.6);
  EXPECT_NEAR(s.time[1] - s.time[0], 365.0 / 260, 1e-3);  // business time: 1/260 of a year per row
  expect_strictly_increasing(s);
  // As ISO dates the decimal years are malformed, at the first data row.
  EXPECT_TRUE(throws_with<ValueError>([&] { read_series_csv(path); }, {"EuStockMarkets.csv:2: column 't'"}));
}

}  // namespace
}  // namespace deepfin::data
