// Cells that would silently change what a column means: one word in a column of
// numbers (it would become hundreds of one-hot levels), and a category value the
// size of a document (it would make a model file no reader opens).
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::Cells;
using testing::make_table;

PreprocessOptions stray_cell_options() {
  PreprocessOptions options;
  options.target = "class";
  options.positive_label = "bad";
  return options;
}

Table with_amounts(Cells amounts) {
  Cells classes;
  for (size_t i = 0; i < amounts.size(); ++i) classes.push_back(i % 2 ? "good" : "bad");
  return make_table("credit.csv", {{"amount", std::move(amounts)}, {"class", std::move(classes)}});
}

TEST(StrayCells, AWordInAColumnOfNumbersIsAnErrorNamingTheCell) {
  for (const std::string stray : {"abc", "inf", "nan", "1e999"}) {
    Cells amounts;
    for (int i = 0; i < 40; ++i) amounts.push_back(std::to_string(100 + i));
    amounts[17] = stray;
    EXPECT_TRUE(testing::throws_with<ValueError>(
        [&] { TabularPreprocessor::fit(with_amounts(amounts), stray_cell_options()); },
        {"credit.csv:19", "'" + stray + "' is not a finite number", "39 of the 40 values in column 'amount'",
         "missing_values", "amount = \"categorical\""}))
        << stray;
  }
}

TEST(StrayCells, MixedColumnsAndDeclaredKindsStayAsTheyWere) {
  Cells amounts;
  for (int i = 0; i < 40; ++i) amounts.push_back(i % 4 ? std::to_string(i) : "unknown");  // 25 % words
  EXPECT_EQ(TabularPreprocessor::fit(with_amounts(amounts), stray_cell_options()).columns().front().kind,
            ColumnKind::categorical);
  amounts[3] = "abc";
  for (auto& cell : amounts)
    if (*cell == "unknown") cell = "7";
  PreprocessOptions declared = stray_cell_options();
  declared.kinds["amount"] = ColumnKind::categorical;  // the user said so
  EXPECT_EQ(TabularPreprocessor::fit(with_amounts(amounts), declared).columns().front().kind, ColumnKind::categorical);
}

TEST(StrayCells, ADocumentSizedCategoryIsRefusedBeforeTraining) {
  Cells notes = {"short", std::string(5000, 'x'), "short", "other"};
  const Table table = make_table("credit.csv", {{"note", notes}, {"class", {"bad", "good", "bad", "good"}}});
  EXPECT_TRUE(
      testing::throws_with<ValueError>([&] { TabularPreprocessor::fit(table, stray_cell_options()); },
                                       {"credit.csv:3", "a category value of 5000 bytes", "'note'", "[data] drop"}));
}

}  // namespace
}  // namespace deepfin::data
