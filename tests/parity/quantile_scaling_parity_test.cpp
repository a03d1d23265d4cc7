// The quantile-normal scaling of numeric columns against scikit-learn's QuantileTransformer
// (generate_quantile_scaling_fixtures.py): the same knots, and normal scores of the same
// probabilities, through the whole preprocessor (fit on the training values, transform probes).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "deepfin/data/tabular/preprocessor.h"
#include "testing/fixtures.h"

namespace deepfin {
namespace {

// One numeric column "x" with the given values (printed to round-trip exactly) and a label column.
data::Table column_table(const std::vector<double>& values) {
  data::Table t{.source = "fixture", .columns = {{.name = "x"}, {.name = "y"}}, .lines = {}};
  for (size_t i = 0; i < values.size(); ++i) {
    t.columns[0].values.emplace_back(fmt::format("{}", values[i]));
    t.columns[1].values.emplace_back(i % 2 ? "a" : "b");
    t.lines.push_back(static_cast<int64_t>(i) + 2);
  }
  return t;
}

TEST(QuantileScalingParity, KnotsAndNormalScoresMatchScikitLearn) {
  const nlohmann::json fixture = testing::load_fixture("quantile_scaling");
  for (const nlohmann::json& c : fixture.at("cases")) {
    const std::string name = c.at("name");
    data::PreprocessOptions options{.target = "y", .positive_label = "a"};
    options.scaling = data::NumericScaling::quantile;
    const auto pre = data::TabularPreprocessor::fit(column_table(c.at("train")), options);
    const auto knots = c.at("knots").get<std::vector<double>>();
    const std::vector<double>& fitted = pre.columns()[0].quantiles;
    ASSERT_EQ(fitted.size(), knots.size()) << name;
    for (size_t k = 0; k < knots.size(); ++k)
      EXPECT_NEAR(fitted[k], knots[k], 1e-9 * std::max(1.0, std::abs(knots[k]))) << name << " knot " << k;

    const auto probe = c.at("probe").get<std::vector<double>>();
    const auto scores = c.at("scores").get<std::vector<double>>();
    const Tensor z = pre.transform(column_table(probe));
    ASSERT_EQ(z.shape()[0], static_cast<int64_t>(scores.size()));
    for (size_t i = 0; i < scores.size(); ++i)
      EXPECT_NEAR(z.data<float>()[i], scores[i], 2e-6) << name << " probe " << probe[i];
  }
}

}  // namespace
}  // namespace deepfin
