// Every malformed CSV is a FileError naming source:line:column and what is wrong.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

TEST(CsvErrors, UnterminatedQuoteNamesTheLineItOpenedOn) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b\n1,2\n3,\"open\nmore\n", "s.csv"); },
                                     {"s.csv:3:3", "unterminated", "opened on line 3"}));
}

TEST(CsvErrors, TooManyFields) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b,c,d\n1,2,3,4\n1,2,3,4,5\n", "s.csv"); },
                                     {"s.csv:3:9", "has 5 fields, the header has 4"}));
}

TEST(CsvErrors, TooFewFields) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b,c,d\n1,2,3\n", "s.csv"); },
                                     {"s.csv:2:6", "has 3 fields, the header has 4"}));
}

TEST(CsvErrors, WrongFieldCountInMultiLineRowSaysWhereTheRowStarts) {
  // Row 1 starts on line 2; its third field "3" is on line 3, column 6.
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b\n\"x\ny\",2,3\n", "s.csv"); },
                                     {"s.csv:3:6", "has 3 fields, the header has 2", "starts on line 2"}));
}

TEST(CsvErrors, TextAfterClosingQuote) {
  EXPECT_TRUE(
      throws_with<FileError>([] { parse_csv("a,b\n\"x\"y,2\n", "s.csv"); }, {"s.csv:2:4", "after the closing quote"}));
}

TEST(CsvErrors, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes but one column: the stray y is the 6th character of line 2.
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b\n\xC3\xA9,\"x\"y\n", "s.csv"); },
                                     {"s.csv:2:6", "after the closing quote"}));
}

TEST(CsvErrors, EmptyHeaderName) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,,c\n1,2,3\n", "s.csv"); },
                                     {"s.csv:1:3", "header column 2", "empty name"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("\na,\"\"\n", "s.csv"); }, {"s.csv:2:3", "empty name"}));
}

TEST(CsvErrors, DuplicateHeaderName) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("a,b,a\n", "s.csv"); },
                                     {"s.csv:1:5", "duplicate column name 'a'", "columns 1 and 3"}));
}

TEST(CsvErrors, NoHeader) {
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("", "s.csv"); }, {"s.csv", "no header"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("\n\r\n  \n", "s.csv"); }, {"s.csv", "no header"}));
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("\xEF\xBB\xBF", "s.csv"); }, {"s.csv", "no header"}));
}

TEST(CsvErrors, InvalidUtf8GivesPositionByteOffsetAndTheLatin1Hint) {
  // "a,b\n" is 4 bytes and "x,caf" 5 more, so the bad byte 0xE9 is at offset 9, line 2, column 6.
  EXPECT_TRUE(
      throws_with<FileError>([] { parse_csv("a,b\nx,caf\xE9\n", "s.csv"); },
                             {"s.csv:2:6", "invalid UTF-8", "0xE9", "byte offset 9", "encoding = \"latin-1\""}));
  // The offset counts the byte order mark too, as it is a byte of the file.
  EXPECT_TRUE(throws_with<FileError>([] { parse_csv("\xEF\xBB\xBF\xFF", "s.csv"); }, {"s.csv:1:1", "byte offset 3"}));
}

TEST(CsvErrors, MissingOrUnreadableFileNamesThePath) {
  EXPECT_TRUE(throws_with<FileError>([] { read_csv("/nonexistent-dir/none.csv"); },
                                     {"/nonexistent-dir/none.csv", "cannot open"}));
  deepfin::testing::TempDir dir;
  EXPECT_TRUE(throws_with<FileError>([&] { read_csv(dir.path().string()); }, {dir.path().string()}));
}

TEST(CsvErrors, ReadCsvUsesThePathAsSourceInTablesAndMessages) {
  deepfin::testing::TempDir dir;
  const std::string path = dir.file("t.csv");
  deepfin::testing::write_bytes(path, "a,b\n1,2\n");
  const Table t = read_csv(path);
  EXPECT_EQ(t.source, path);
  EXPECT_EQ(t.num_rows(), 1);
  deepfin::testing::write_bytes(path, "a,b\n1,2,3\n");
  EXPECT_TRUE(throws_with<FileError>([&] { read_csv(path); }, {path + ":2:5"}));
}

TEST(CsvErrors, ContradictoryOptionsAreValueErrors) {
  EXPECT_TRUE(throws_with<ValueError>([] { parse_csv("a\n", "s.csv", {.delimiter = '"'}); }, {"delimiter", "quote"}));
  EXPECT_TRUE(
      throws_with<ValueError>([] { parse_csv("a\n", "s.csv", {.encoding = "utf-16"}); }, {"utf-16", "latin-1"}));
}

}  // namespace
}  // namespace deepfin::data
