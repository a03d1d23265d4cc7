// Schema inference: which kind each raw column is, decided by its cells or its ARFF declaration.
#include "deepfin/data/tabular/schema.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::Cells;
using testing::NA;

ColumnKind kind_of(Cells cells, DeclaredType declared = DeclaredType::none) {
  return infer_column_kind(
      TableColumn{.name = "x", .values = std::move(cells), .declared = declared, .declared_categories = {}});
}

TEST(Schema, NumbersAreNumeric) {
  EXPECT_EQ(kind_of({"1", "2.5", NA, "-3e2", "+7"}), ColumnKind::numeric);
  EXPECT_EQ(kind_of({"1", "2"}), ColumnKind::numeric);  // 2 is not a boolean value
  EXPECT_EQ(kind_of({NA, NA}), ColumnKind::numeric);
}

TEST(Schema, AnythingElseIsCategorical) {
  EXPECT_EQ(kind_of({"1.5", "x"}), ColumnKind::categorical);
  EXPECT_EQ(kind_of({"12abc"}), ColumnKind::categorical);  // a number must be the whole cell
  EXPECT_EQ(kind_of({"1", "inf"}), ColumnKind::categorical);
  EXPECT_EQ(kind_of({"nan"}), ColumnKind::categorical);
  EXPECT_EQ(kind_of({"true", "yes"}), ColumnKind::categorical);  // two different pairs
  EXPECT_EQ(kind_of({"yes", "no", "maybe"}), ColumnKind::categorical);
}

TEST(Schema, KnownPairsAreBooleanCaseInsensitively) {
  EXPECT_EQ(kind_of({"True", "FALSE", NA}), ColumnKind::boolean);
  EXPECT_EQ(kind_of({"yes", "No"}), ColumnKind::boolean);
  EXPECT_EQ(kind_of({"Y", "n"}), ColumnKind::boolean);
  EXPECT_EQ(kind_of({"t", "F"}), ColumnKind::boolean);
  EXPECT_EQ(kind_of({"0", "1", "1"}), ColumnKind::boolean);
  EXPECT_EQ(kind_of({"yes", "YES"}), ColumnKind::boolean);  // one value of a pair
  EXPECT_EQ(kind_of({"1"}), ColumnKind::boolean);
}

TEST(Schema, ArffDeclarationWins) {
  EXPECT_EQ(kind_of({"a", "b"}, DeclaredType::numeric), ColumnKind::numeric);
  EXPECT_EQ(kind_of({"1", "2"}, DeclaredType::nominal), ColumnKind::categorical);
  EXPECT_EQ(kind_of({"1", "0"}, DeclaredType::nominal), ColumnKind::categorical);
  EXPECT_EQ(kind_of({"1", "2"}, DeclaredType::string), ColumnKind::numeric);  // no type to honour: cells decide
}

TEST(Schema, ParseFiniteNumber) {
  EXPECT_EQ(parse_finite_number("12.5"), 12.5);
  EXPECT_EQ(parse_finite_number("+4"), 4.0);
  EXPECT_EQ(parse_finite_number("-1e-3"), -1e-3);
  EXPECT_FALSE(parse_finite_number(""));
  EXPECT_FALSE(parse_finite_number("+"));
  EXPECT_FALSE(parse_finite_number("+-1"));
  EXPECT_FALSE(parse_finite_number(" 1"));
  EXPECT_FALSE(parse_finite_number("1e999"));
  EXPECT_FALSE(parse_finite_number("-inf"));
}

TEST(Schema, KindNamesRoundTripAndUnknownNamesAreConfigErrors) {
  for (ColumnKind kind : {ColumnKind::numeric, ColumnKind::categorical, ColumnKind::boolean})
    EXPECT_EQ(column_kind_from_string(to_string(kind)), kind);
  EXPECT_TRUE(testing::throws_with<ConfigError>([] { column_kind_from_string("text"); },
                                                {"'text'", "numeric", "categorical", "boolean"}));
}

}  // namespace
}  // namespace deepfin::data
