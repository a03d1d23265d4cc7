// Scalers fitted on a training span: hand-computed statistics, values outside the span ignored,
// inverse and JSON round trips.
#include "deepfin/data/timeseries/scaler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "unit/io/io_test_util.h"

namespace deepfin::data {
namespace {

using deepfin::testing::throws_with;

// Rows 0..2 are the training span; rows 3..4 hold values far outside it.
const Columns kColumns = {{1, 2, 3, 100, -50}, {5, 5, 5, 5, 9}};

TEST(StandardScaler, FitsOnTheSpanOnly) {
  StandardScaler s;
  s.fit(kColumns, 0, 3);
  EXPECT_DOUBLE_EQ(s.mean()[0], 2);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(2.0 / 3));  // population std of {1, 2, 3}
  EXPECT_DOUBLE_EQ(s.mean()[1], 5);
  EXPECT_DOUBLE_EQ(s.scale()[1], 1);  // constant column
  EXPECT_EQ(s.fit_begin(), 0);
  EXPECT_EQ(s.fit_end(), 3);

  Columns changed = kColumns;
  changed[0][3] = 1e9;
  changed[1][4] = std::nan("");
  StandardScaler other;
  other.fit(changed, 0, 3);
  EXPECT_EQ(other.mean(), s.mean());
  EXPECT_EQ(other.scale(), s.scale());

  const Columns z = s.transform(kColumns);
  EXPECT_DOUBLE_EQ(z[0][0], -1 / std::sqrt(2.0 / 3));
  EXPECT_DOUBLE_EQ(z[0][3], 98 / std::sqrt(2.0 / 3));
  EXPECT_DOUBLE_EQ(z[1][4], 4);
  EXPECT_TRUE(std::isnan(s.transform_column(1, {std::nan("")})[0]));
}

TEST(StandardScaler, SpanInTheMiddle) {
  StandardScaler s;
  s.fit(kColumns, 2, 4);  // {3, 100}
  EXPECT_DOUBLE_EQ(s.mean()[0], 51.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], 48.5);
}

TEST(StandardScaler, InverseAndJsonRoundTrips) {
  StandardScaler s;
  s.fit(kColumns, 0, 4);
  const Columns back = s.inverse_transform(s.transform(kColumns));
  for (size_t c = 0; c < kColumns.size(); ++c)
    for (size_t t = 0; t < kColumns[c].size(); ++t) EXPECT_NEAR(back[c][t], kColumns[c][t], 1e-12);
  const StandardScaler loaded = StandardScaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(loaded.mean(), s.mean());  // bit-identical through text
  EXPECT_EQ(loaded.scale(), s.scale());
  EXPECT_EQ(loaded.fit_end(), 4);
  EXPECT_EQ(loaded.transform(kColumns), s.transform(kColumns));
}

TEST(MinMaxScaler, FitsOnTheSpanOnly) {
  MinMaxScaler s;
  s.fit(kColumns, 0, 3);
  EXPECT_EQ(s.data_min(), (std::vector<double>{1, 5}));
  EXPECT_EQ(s.data_range(), (std::vector<double>{2, 1}));  // constant column: range 1
  const Columns y = s.transform(kColumns);
  EXPECT_EQ(y[0], (std::vector<double>{0, 0.5, 1, 49.5, -25.5}));  // no clipping outside the span
  EXPECT_EQ(y[1], (std::vector<double>{0, 0, 0, 0, 4}));
  EXPECT_EQ(s.inverse_transform(y), kColumns);
}

TEST(MinMaxScaler, FeatureRangeAndJson) {
  MinMaxScaler s(-1, 1);
  s.fit(kColumns, 0, 3);
  EXPECT_EQ(s.transform_column(0, {1, 2, 3}), (std::vector<double>{-1, 0, 1}));
  EXPECT_EQ(s.inverse_transform_column(0, {-1, 0, 1}), (std::vector<double>{1, 2, 3}));
  const MinMaxScaler loaded = MinMaxScaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(loaded.lo(), -1);
  EXPECT_EQ(loaded.transform(kColumns), s.transform(kColumns));
  EXPECT_TRUE(throws_with<ValueError>([] { MinMaxScaler(1, 1); }, {"(1, 1)", "lo < hi"}));
}

TEST(Scalers, Errors) {
  StandardScaler s;
  EXPECT_TRUE(throws_with<ValueError>([&] { s.transform(kColumns); }, {"StandardScaler", "before fit"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { s.fit(kColumns, 3, 3); }, {"StandardScaler.fit", "[3, 3)", "[0, 5)"}));
  EXPECT_TRUE(throws_with<ValueError>([&] { s.fit(kColumns, 0, 6); }, {"[0, 6)", "outside"}));
  EXPECT_TRUE(throws_with<ValueError>(
      [&] {
        s.fit({{1, std::nan(""), 3}}, 0, 3);
      },
      {"column 0 is NaN at time 1", "[0, 3)"}));
  EXPECT_TRUE(throws_with<ShapeError>([&] { s.fit({{1, 2}, {1}}, 0, 1); }, {"column 1 has 1 rows", "has 2"}));
  s.fit(kColumns, 0, 3);
  EXPECT_TRUE(throws_with<ShapeError>([&] { s.transform({{1}}); }, {"fitted on 2 columns, got 1"}));
  EXPECT_TRUE(throws_with<IndexError>([&] { s.transform_column(2, {1}); }, {"column 2", "[0, 2)"}));
  MinMaxScaler m;
  EXPECT_TRUE(throws_with<ValueError>([&] { m.inverse_transform(kColumns); }, {"MinMaxScaler", "before fit"}));
  EXPECT_TRUE(throws_with<FileError>(
      [] {
        StandardScaler::from_json({{"class_name", "StandardScaler"}});
      },
      {"StandardScaler JSON", "'fit_begin'"}));
  EXPECT_TRUE(
      throws_with<FileError>([&] { MinMaxScaler::from_json(s.to_json()); }, {"class_name is 'StandardScaler'"}));
}

}  // namespace
}  // namespace deepfin::data
