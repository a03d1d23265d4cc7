// ARFF: the committed Weka-format fixture, every error on small texts, and the
// real credit-g.arff (from Debian's weka package) against credit-g.csv when present.
#include "deepfin/data/tabular/arff.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "testing/paths.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using Cells = std::vector<std::optional<std::string>>;
using deepfin::testing::throws_with;

TEST(Arff, ReadsTheFixture) {
  const std::string path = deepfin::testing::test_data_dir() + "/unit/data/tabular_io/data/tiny_credit.arff";
  const Table t = read_arff(path);
  EXPECT_EQ(t.source, path);
  ASSERT_EQ(t.num_columns(), 6);
  EXPECT_EQ(t.lines, (std::vector<int64_t>{14, 16, 18}));

  const TableColumn& checking = t.column("checking_status");
  EXPECT_EQ(checking.declared, DeclaredType::nominal);
  EXPECT_EQ(checking.declared_categories, (std::vector<std::string>{"<0", "0<=X<200", "no checking"}));
  EXPECT_EQ(checking.values, (Cells{"<0", "no checking", "0<=X<200"}));

  EXPECT_EQ(t.column("duration").declared, DeclaredType::numeric);
  EXPECT_EQ(t.column("duration").values, (Cells{"6", "48", "12"}));
  EXPECT_EQ(t.column("credit amount").declared, DeclaredType::numeric);
  EXPECT_EQ(t.column("credit amount").values, (Cells{"1169", std::nullopt, "5951.5"}));
  EXPECT_EQ(t.column("purpose").declared, DeclaredType::string);
  EXPECT_EQ(t.column("purpose").values, (Cells{"radio/tv", "new car, used", "it's fine"}));
  EXPECT_EQ(t.column("opened").declared, DeclaredType::string);
  EXPECT_EQ(t.column("opened").values, (Cells{"2020-01-31", "2021-07-01", std::nullopt}));
  EXPECT_EQ(t.column("class").declared_categories, (std::vector<std::string>{"good", "bad"}));
  EXPECT_EQ(t.column("class").values, (Cells{"good", "bad", "good"}));
}

TEST(Arff, CrlfDoubleQuotesAndQuotedQuestionMark) {
  const Table t = parse_arff(
      "@relation r\r\n@attribute \"a b\" {\"?\", 'x,y'}\r\n@attribute n integer\r\n@data\r\n'?',+1e3\r\n"
      "'x,y' , -2\r\n?,?",
      "crlf.arff");
  EXPECT_EQ(t.column("a b").values, (Cells{"?", "x,y", std::nullopt}));  // a quoted ? is a value
  EXPECT_EQ(t.column("n").values, (Cells{"+1e3", "-2", std::nullopt}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{5, 6, 7}));
}

TEST(Arff, NoRowsAfterData) {
  const Table t = parse_arff("@relation r\n@attribute a numeric\n@data\n", "empty.arff");
  EXPECT_EQ(t.num_columns(), 1);
  EXPECT_EQ(t.num_rows(), 0);
}

const char* kHeader = "@relation r\n@attribute a numeric\n@attribute c {x,y}\n@data\n";  // data on line 5

void parse_rows(const std::string& rows) {
  parse_arff(std::string(kHeader) + rows, "s.arff");
}

TEST(ArffErrors, SparseRowsAreNotSupported) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,x\n  {0 1, 1 y}\n"); },
                                     {"s.arff:6:3", "sparse ARFF", "not supported"}));
}

TEST(ArffErrors, NominalValueNotDeclared) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1, z\n"); },
                                     {"s.arff:5:4", "'z'", "attribute 'c'", "not one of its declared values {x, y}"}));
}

TEST(ArffErrors, WrongNumberOfValues) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,x,3\n"); },
                                     {"s.arff:5:5", "row has 3 values, the header declares 2 attributes"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,x\n\n2\n"); },
                                     {"s.arff:7:2", "row has 1 values, the header declares 2"}));
}

TEST(ArffErrors, BadValues) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("abc,x\n"); },
                                     {"s.arff:5:1", "'abc'", "numeric attribute 'a'", "not a number"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,\n"); }, {"s.arff:5:3", "empty value", "?"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,'x\n"); }, {"s.arff:5:3", "unterminated"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,'x'y\n"); }, {"s.arff:5:6", "after the closing quote"}));
}

TEST(ArffErrors, BadDeclarations) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@relation r\n@attribute a bogus\n@data\n", "s.arff"); },
                                     {"s.arff:2:14", "unknown type 'bogus'", "attribute 'a'"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@attribute a relational\n", "s.arff"); },
                                     {"s.arff:1:14", "relational", "not supported"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@attribute a\n", "s.arff"); }, {"s.arff:1:13", "no type"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@attribute a {x, y\n", "s.arff"); },
                                     {"s.arff:1:14", "not closed with '}'"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@attribute a numeric\n@ATTRIBUTE a real\n", "s.arff"); },
                                     {"s.arff:2:12", "duplicate attribute name 'a'", "line 1"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("% c\n  @columns x\n", "s.arff"); },
                                     {"s.arff:2:3", "unknown declaration '@columns'"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("1,2\n", "s.arff"); }, {"s.arff:1:1", "expected @relation"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@relation r\n@data\n", "s.arff"); },
                                     {"s.arff:2:1", "@data before any @attribute"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@relation r\n@attribute a numeric\n", "s.arff"); },
                                     {"s.arff", "no @data section"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_arff("@relation r\n@attribute a numeric extra\n", "s.arff"); },
                                     {"s.arff:2:22", "unexpected text 'extra'"}));
}

TEST(ArffErrors, InvalidUtf8AndMissingFile) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_rows("1,\xE9\n"); }, {"s.arff:5:3", "invalid UTF-8", "0xE9"}));
  EXPECT_TRUE(throws_with<FileError>([] { read_arff("/nonexistent-dir/x.arff"); }, {"/nonexistent-dir/x.arff"}));
}

// credit-g.arff is the source of credit-g.csv (SOURCE.md): same shape, names and cells.
TEST(Arff, WekaCreditGMatchesTheCsv) {
  std::string arff = "/usr/share/doc/weka/examples/credit-g.arff";
  if (const char* dir = std::getenv("DEEPFIN_DATA_DIR");
      dir && std::filesystem::exists(std::string(dir) + "/credit-g.arff"))
    arff = std::string(dir) + "/credit-g.arff";
  const std::string csv = deepfin::testing::shared_data_dir() + "/uci_german_credit/credit-g.csv";
  if (!std::filesystem::exists(arff) || !std::filesystem::exists(csv)) GTEST_SKIP() << "no credit-g.arff or csv";
  const Table a = read_arff(arff);
  const Table c = read_csv(csv);
  ASSERT_EQ(a.num_rows(), 1000);
  ASSERT_EQ(a.num_columns(), c.num_columns());
  for (int64_t j = 0; j < a.num_columns(); ++j) {
    const TableColumn& ac = a.columns[j];
    const TableColumn& cc = c.columns[j];
    EXPECT_EQ(ac.name, cc.name);
    EXPECT_NE(ac.declared, DeclaredType::none);
    for (int64_t r = 0; r < a.num_rows(); ++r) {
      ASSERT_TRUE(ac.values[r] && cc.values[r]) << ac.name << " row " << r;
      if (ac.declared == DeclaredType::numeric)
        EXPECT_DOUBLE_EQ(std::stod(*ac.values[r]), std::stod(*cc.values[r])) << a.where(r, j);
      else
        EXPECT_EQ(*ac.values[r], *cc.values[r]) << a.where(r, j);
    }
  }
  EXPECT_EQ(a.column("class").declared_categories, (std::vector<std::string>{"good", "bad"}));
}

}  // namespace
}  // namespace deepfin::data
