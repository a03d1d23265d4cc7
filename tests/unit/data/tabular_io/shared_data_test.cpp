// The real files of ../shared/data, checked against the facts in their SOURCE.md.
// Skipped where the shared data directory is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "deepfin/data/tabular/csv.h"
#include "testing/paths.h"

namespace deepfin::data {
namespace {

std::string shared_file(const std::string& relative) {
  const std::string path = deepfin::testing::shared_data_dir() + "/" + relative;
  return std::filesystem::exists(path) ? path : std::string();
}

int64_t count_missing(const TableColumn& column) {
  int64_t n = 0;
  for (const auto& v : column.values) n += !v.has_value();
  return n;
}

std::map<std::string, int64_t> value_counts(const TableColumn& column) {
  std::map<std::string, int64_t> counts;
  for (const auto& v : column.values)
    if (v) ++counts[*v];
  return counts;
}

TEST(SharedData, GermanCreditCsv) {
  const std::string path = shared_file("uci_german_credit/credit-g.csv");
  if (path.empty()) GTEST_SKIP() << "no shared data";
  const Table t = read_csv(path);
  EXPECT_EQ(t.num_rows(), 1000);
  ASSERT_EQ(t.num_columns(), 21);
  EXPECT_EQ(t.columns.front().name, "checking_status");
  EXPECT_EQ(t.columns.back().name, "class");
  EXPECT_EQ(value_counts(t.column("class")), (std::map<std::string, int64_t>{{"bad", 300}, {"good", 700}}));
  for (const TableColumn& c : t.columns) EXPECT_EQ(count_missing(c), 0) << c.name;
  EXPECT_EQ(t.lines.front(), 2);
  EXPECT_EQ(t.lines.back(), 1001);
  EXPECT_EQ(*t.column("credit_amount").values[0], "1169");  // first data row, from SOURCE.md's file
}

TEST(SharedData, CreditDataUnquotedNaIsMissing) {
  const std::string path = shared_file("modeldata_credit_data/credit_data.csv");
  if (path.empty()) GTEST_SKIP() << "no shared data";
  const Table t = read_csv(path);
  EXPECT_EQ(t.num_rows(), 4454);
  EXPECT_EQ(t.num_columns(), 14);
  const std::map<std::string, int64_t> missing = {{"Home", 6},     {"Marital", 1}, {"Job", 2},
                                                  {"Income", 381}, {"Assets", 47}, {"Debt", 18}};
  for (const TableColumn& c : t.columns) {
    const auto it = missing.find(c.name);
    EXPECT_EQ(count_missing(c), it == missing.end() ? 0 : it->second) << c.name;
  }
  EXPECT_EQ(value_counts(t.column("Status")), (std::map<std::string, int64_t>{{"bad", 1254}, {"good", 3200}}));
}

TEST(SharedData, FredSp500BlankValuesAreMissing) {
  const std::string path = shared_file("sp500_fred_daily/fred_sp500.csv");
  if (path.empty()) GTEST_SKIP() << "no shared data";
  const Table t = read_csv(path);
  EXPECT_EQ(t.num_rows(), 2609);
  EXPECT_EQ(count_missing(t.column("SP500")), 95);
  EXPECT_EQ(count_missing(t.column("observation_date")), 0);
  EXPECT_EQ(*t.column("observation_date").values[1], "2016-02-15");  // a holiday, line 3
  EXPECT_FALSE(t.column("SP500").values[1].has_value());
  EXPECT_EQ(t.lines[1], 3);
}

TEST(SharedData, Banking77QuotedTextWithCommas) {
  const std::string path = shared_file("banking77/train.csv");
  if (path.empty()) GTEST_SKIP() << "no shared data";
  const Table t = read_csv(path);
  EXPECT_EQ(t.num_rows(), 10003);
  ASSERT_EQ(t.num_columns(), 2);
  EXPECT_EQ(value_counts(t.column("category")).size(), 77u);
  int64_t with_comma = 0;
  for (const auto& v : t.column("text").values) with_comma += v && v->find(',') != std::string::npos;
  EXPECT_GT(with_comma, 0);
  EXPECT_EQ(count_missing(t.column("text")), 0);
}

TEST(SharedData, LendingClubShape) {
  const std::string path = shared_file("modeldata_lending_club/lending_club.csv");
  if (path.empty()) GTEST_SKIP() << "no shared data";
  const Table t = read_csv(path);
  EXPECT_EQ(t.num_rows(), 9857);
  EXPECT_EQ(t.num_columns(), 23);
  EXPECT_EQ(t.columns.back().name, "Class");
  for (const TableColumn& c : t.columns) EXPECT_EQ(count_missing(c), 0) << c.name;
}

}  // namespace
}  // namespace deepfin::data
