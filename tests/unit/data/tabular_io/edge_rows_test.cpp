// ARFF and dated-CSV edge cases of the bad-input catalogue: empty and truncated
// files, a single row, NaN/Inf spelled in a numeric column, a document-sized
// category, and a Latin-1 price file read with the encoding the job names.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/arff.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/io/idx.h"
#include "testing/error_message.h"

namespace deepfin::data {
namespace {

PreprocessOptions arff_credit() {
  PreprocessOptions o;
  o.target = "class";
  o.positive_label = "bad";
  return o;
}

const char* kArffHead = "@relation credit\n@attribute class {good,bad}\n@attribute amount numeric\n@data\n";

TEST(ArffEdges, EmptySingleRowNonFiniteAndHugeCategories) {
  EXPECT_NE(deepfin::testing::error_message([] { parse_arff("", "e.arff"); }).find("e.arff:1: no @data section"),
            std::string::npos);
  const Table one = parse_arff(std::string(kArffHead) + "bad,12\n", "one.arff");
  EXPECT_NE(
      deepfin::testing::error_message([&] { TabularPreprocessor::fit(one, arff_credit()); }).find("one class only"),
      std::string::npos);
  const Table nan = parse_arff(std::string(kArffHead) + "bad,12\ngood,nan\nbad,inf\n", "nan.arff");
  EXPECT_NE(deepfin::testing::error_message([&] {
              TabularPreprocessor::fit(nan, arff_credit());
            }).find("not a finite number"),
            std::string::npos);
  const std::string long_value(5000, 'x');
  const Table huge = parse_arff(
      "@relation c\n@attribute class {good,bad}\n@attribute note string\n@data\nbad,'" + long_value + "'\ngood,b\n",
      "huge.arff");
  EXPECT_NE(deepfin::testing::error_message([&] {
              TabularPreprocessor::fit(huge, arff_credit());
            }).find("a category value of 5000 bytes"),
            std::string::npos);
}

TEST(SeriesEdges, EmptyTruncatedAndLatin1Files) {
  EXPECT_NE(deepfin::testing::error_message([] { series_from_table(parse_csv("", "e.csv")); }).find("e.csv"),
            std::string::npos);
  EXPECT_NE(
      deepfin::testing::error_message([] { series_from_table(parse_csv("date,close\n", "h.csv")); }).find("no rows"),
      std::string::npos);
  const std::string text = "date,close\n2020-01-02,10\n2020-01-03,11\n2020-01-06,12\n";
  for (size_t cut : {size_t{14}, size_t{27}, size_t{33}}) {  // inside a date, after a comma, inside a number
    const std::string msg =
        deepfin::testing::error_message([&] { series_from_table(parse_csv(text.substr(0, cut), "cut.csv")); });
    if (msg != "(no error)") {
      EXPECT_NE(msg.find("cut.csv"), std::string::npos) << cut << ": " << msg;
    }
  }
  const auto dir = std::filesystem::temp_directory_path() / ("deepfin_series_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "prices.csv").string();
  std::ofstream(path, std::ios::binary) << "date,M\xfcnchen\n2020-01-02,10\n2020-01-03,11\n";
  EXPECT_NE(deepfin::testing::error_message([&] { read_series_csv(path); }).find("encoding = \"latin-1\""),
            std::string::npos);
  SeriesOptions latin1;
  latin1.csv.encoding = "latin-1";
  EXPECT_EQ(read_series_csv(path, latin1).names.front(), "M\xc3\xbcnchen");
  std::filesystem::remove_all(dir);
}

TEST(IdxEdges, FloatDataKeepsNaNForTheModelToRefuse) {
  // A reader returns the data as stored; fit/evaluate/predict name the NaN (models/input_errors_test).
  const auto dir = std::filesystem::temp_directory_path() / ("deepfin_idx_nan_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "f.idx").string();
  std::ofstream(path, std::ios::binary) << std::string("\0\0\x0d\x01\0\0\0\x02\x7f\xc0\0\0\x3f\x80\0\0", 16);
  const Tensor t = io::load_idx(path);
  EXPECT_TRUE(std::isnan(t.to_vector<float>()[0]));
  EXPECT_EQ(t.to_vector<float>()[1], 1.0f);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace deepfin::data
