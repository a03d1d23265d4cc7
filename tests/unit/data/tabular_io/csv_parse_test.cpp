// The CSV rules, each on a small hand-written text whose table is known by eye.
#include <gtest/gtest.h>

#include "deepfin/data/tabular/csv.h"

namespace deepfin::data {
namespace {

using Cells = std::vector<std::optional<std::string>>;

std::vector<std::string> names(const Table& t) {
  std::vector<std::string> out;
  for (const TableColumn& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(CsvParse, HeaderRowsAndLineNumbers) {
  const Table t = parse_csv("a,b\n1,2\n3,4\n", "mem.csv");
  EXPECT_EQ(t.source, "mem.csv");
  EXPECT_EQ(names(t), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.columns[0].values, (Cells{"1", "3"}));
  EXPECT_EQ(t.columns[1].values, (Cells{"2", "4"}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.columns[0].declared, DeclaredType::none);
}

TEST(CsvParse, QuotedFieldsHoldDelimitersDoubledQuotesAndNewlines) {
  const Table t = parse_csv("id,text\n1,\"hello, world\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,after\n", "q.csv");
  EXPECT_EQ(t.column("text").values, (Cells{"hello, world", "say \"hi\"", "two\nlines", "after"}));
  EXPECT_EQ(t.column("id").values, (Cells{"1", "2", "3", "4"}));
  // A row's line is where it starts: row 3 spans lines 4-5, so row 4 is on line 6.
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 3, 4, 6}));
}

TEST(CsvParse, DoubledQuotesInSeveralFieldsOfOneRowStayApart) {
  const Table t = parse_csv("a,b\n\"x\"\"1\",\"y\"\"2\"\n\"p\"\"\",q\n", "q.csv");
  EXPECT_EQ(t.column("a").values, (Cells{"x\"1", "p\""}));
  EXPECT_EQ(t.column("b").values, (Cells{"y\"2", "q"}));
}

TEST(CsvParse, CrlfBlankLinesAndNoFinalNewline) {
  const Table t = parse_csv("\r\n\na,b\r\n1,2\r\n\r\n   \n3,4", "crlf.csv");
  EXPECT_EQ(names(t), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.columns[1].values, (Cells{"2", "4"}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{4, 7}));
}

TEST(CsvParse, QuotedNewlineInCrlfFileKeepsItsLineCount) {
  const Table t = parse_csv("a,b\r\n\"x\r\ny\",1\r\nz,2\r\n", "crlf.csv");
  EXPECT_EQ(t.column("a").values, (Cells{"x\r\ny", "z"}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 4}));
}

TEST(CsvParse, Utf8ByteOrderMarkIsSkipped) {
  const Table t = parse_csv("\xEF\xBB\xBFname,r\xC3\xA9sum\xC3\xA9\nx,y\n", "bom.csv");
  EXPECT_EQ(names(t), (std::vector<std::string>{"name", "r\xC3\xA9sum\xC3\xA9"}));
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2}));
}

TEST(CsvParse, UnquotedMissingMarkersAreMissingQuotedOnesAreText) {
  const Table t = parse_csv("a,b,c\nNA,,\"NA\"\n\"\",x, NA \n", "na.csv");
  EXPECT_EQ(t.column("a").values, (Cells{std::nullopt, ""}));
  EXPECT_EQ(t.column("b").values, (Cells{std::nullopt, "x"}));
  EXPECT_EQ(t.column("c").values, (Cells{"NA", std::nullopt}));  // " NA " is trimmed first
}

TEST(CsvParse, HeaderNamesAreNeverMissing) {
  const Table t = parse_csv("NA,b\n1,2\n", "h.csv");
  EXPECT_EQ(t.columns[0].name, "NA");
}

TEST(CsvParse, CustomDelimiterAndMissingValues) {
  const CsvOptions options{.delimiter = ';', .missing_values = {"?"}};
  const Table t = parse_csv("a;b\n?;NA\n1,5;\n", "semi.csv", options);
  EXPECT_EQ(t.column("a").values, (Cells{std::nullopt, "1,5"}));
  EXPECT_EQ(t.column("b").values, (Cells{"NA", ""}));  // "" is not in this list
}

TEST(CsvParse, CustomQuoteCharacter) {
  const CsvOptions options{.quote = '\''};
  const Table t = parse_csv("a,b\n'x, y','it''s'\n\"q\",2\n", "sq.csv", options);
  EXPECT_EQ(t.column("a").values, (Cells{"x, y", "\"q\""}));
  EXPECT_EQ(t.column("b").values, (Cells{"it's", "2"}));
}

TEST(CsvParse, TrimsSpacesAndTabsAroundFields) {
  const Table t = parse_csv(" a ,\tb\t\n  1 ,  \" x \"  \n", "trim.csv");
  EXPECT_EQ(names(t), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.column("a").values, (Cells{"1"}));
  EXPECT_EQ(t.column("b").values, (Cells{" x "}));  // spaces inside quotes are kept
}

TEST(CsvParse, WithoutTrimmingSpacesAreKept) {
  const CsvOptions options{.trim_whitespace = false};
  const Table t = parse_csv("a, b\n 1 , 2\n", "raw.csv", options);
  EXPECT_EQ(names(t), (std::vector<std::string>{"a", " b"}));
  EXPECT_EQ(t.column("a").values, (Cells{" 1 "}));
  EXPECT_EQ(t.column(" b").values, (Cells{" 2"}));
}

TEST(CsvParse, TabDelimiterIsNotTrimmedAway) {
  const CsvOptions options{.delimiter = '\t'};
  const Table t = parse_csv("a\tb\tc\n1\t\t 3 \n", "tsv.csv", options);
  EXPECT_EQ(t.column("a").values, (Cells{"1"}));
  EXPECT_EQ(t.column("b").values, (Cells{std::nullopt}));
  EXPECT_EQ(t.column("c").values, (Cells{"3"}));
}

TEST(CsvParse, Latin1IsConvertedToUtf8) {
  const CsvOptions options{.encoding = "latin-1"};
  const Table t = parse_csv("name\ncaf\xE9\n\xA3 5\n", "l1.csv", options);
  EXPECT_EQ(t.column("name").values, (Cells{"caf\xC3\xA9", "\xC2\xA3 5"}));
}

TEST(CsvParse, HeaderOnlyGivesNoRows) {
  const Table t = parse_csv("a,b\n", "h.csv");
  EXPECT_EQ(t.num_columns(), 2);
  EXPECT_EQ(t.num_rows(), 0);
  EXPECT_TRUE(t.columns[0].values.empty());
}

TEST(CsvParse, SingleColumnAndEmptyLastField) {
  const Table t = parse_csv("x\n1\n2\n", "one.csv");
  EXPECT_EQ(t.column("x").values, (Cells{"1", "2"}));
  const Table u = parse_csv("a,b\n1,\n", "last.csv");
  EXPECT_EQ(u.column("b").values, (Cells{std::nullopt}));
}

}  // namespace
}  // namespace deepfin::data
