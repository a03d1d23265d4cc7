// Figure: validation and the data it derives (histogram heights, step curves).
#include "deepfin/plot/figure.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::plot {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ValueError";
  return "";
}

TEST(Figure, NaNNamesFigureSeriesAndIndex) {
  Figure fig("ROC", "x", "y");
  const std::string msg = error_of([&] { fig.line({0, 1, 2}, {0, std::nan(""), 1}, "model"); });
  EXPECT_NE(msg.find("'ROC'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'model'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("index 1"), std::string::npos) << msg;
}

TEST(Figure, InfinityRejected) {
  Figure fig("t", "x", "y");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_NE(error_of([&] { fig.line({inf}, {0}, "s"); }).find("x value"), std::string::npos);
  EXPECT_NE(error_of([&] { fig.histogram({0.5, -inf}, 4, 0, 1, "h"); }).find("'h'"), std::string::npos);
  EXPECT_NE(error_of([&] { fig.horizontal_bars({"a"}, {inf}); }).find("finite"), std::string::npos);
}

TEST(Figure, EmptyAndMismatchedSeries) {
  Figure fig("Fig", "x", "y");
  EXPECT_NE(error_of([&] { fig.line({}, {}, "empty"); }).find("no points"), std::string::npos);
  const std::string msg = error_of([&] { fig.line({1, 2, 3}, {1, 2}, "short"); });
  EXPECT_NE(msg.find("3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'short'"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { fig.histogram({}, 3, 0, 1, "h"); }).find("no values"), std::string::npos);
  EXPECT_NE(error_of([&] { fig.horizontal_bars({"a", "b"}, {1}); }).find("2 names but 1 values"), std::string::npos);
  EXPECT_NE(error_of([&] {
              fig.heatmap({{1, 2}, {3}}, {"a", "b"}, {"c", "d"});
            }).find("row 1 has 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { fig.heatmap({{1, 2}}, {"a", "b"}, {"c", "d"}); }).find("row labels"), std::string::npos);
}

TEST(Figure, BadArguments) {
  Figure fig("t", "x", "y");
  EXPECT_THROW(fig.histogram({0.5}, 0, 0, 1, "h"), ValueError);
  EXPECT_THROW(fig.histogram({0.5}, 3, 1, 1, "h"), ValueError);
  EXPECT_THROW(fig.x_range(1, 0), ValueError);
  EXPECT_THROW(fig.y_range(0, std::nan("")), ValueError);
  EXPECT_THROW(fig.size(10, 600), ValueError);
  EXPECT_THROW(fig.line({0}, {0}, "c", {.color = kColorCycleSize}), ValueError);
  EXPECT_THROW(fig.line({0}, {0}, "w", {.width = -1}), ValueError);
}

TEST(Figure, KindsDoNotMix) {
  Figure lines("t", "x", "y");
  lines.line({0, 1}, {0, 1}, "a").histogram({0.5}, 2, 0, 1, "b");  // lines and histograms overlay
  EXPECT_THROW(lines.horizontal_bars({"a"}, {1}), ValueError);
  Figure bars("t", "x", "y");
  bars.horizontal_bars({"a"}, {1});
  EXPECT_THROW(bars.line({0}, {0}, "a"), ValueError);
  EXPECT_THROW(bars.heatmap({{1}}, {"r"}, {"c"}), ValueError);
}

TEST(Figure, HistogramDensityHeights) {
  // 0.1 and 0.2 fall in [0, 0.5), 0.7 and 1.0 (right edge, closed) in [0.5, 1]; 1.5 is outside.
  Figure fig("t", "x", "y");
  fig.histogram({0.1, 0.2, 0.7, 1.0, 1.5}, 2, 0, 1, "h");
  const auto& s = fig.series().at(0);
  const std::vector<double> x{0, 0, 0.5, 0.5, 1, 1}, y{0, 1.0, 1.0, 1.0, 1.0, 0};  // 2 / (4 * 0.5) = 1
  EXPECT_EQ(s.x, x);
  EXPECT_EQ(s.y, y);
  Figure counts("t", "x", "y");
  counts.histogram({0.1, 0.2, 0.7}, 2, 0, 1, "h", /*density=*/false);
  EXPECT_EQ(counts.series()[0].y, (std::vector<double>{0, 2, 2, 1, 1, 0}));
}

TEST(Figure, StepAndColorCycle) {
  Figure fig("t", "x", "y");
  fig.line({0, 1, 3}, {5, 6, 7}, "s", {.step = true}).line({0}, {0}, "b").line({0}, {0}, "c", {.color = 7});
  EXPECT_EQ(fig.series()[0].x, (std::vector<double>{0, 1, 1, 3, 3}));
  EXPECT_EQ(fig.series()[0].y, (std::vector<double>{5, 5, 6, 6, 7}));
  EXPECT_EQ(fig.series()[0].style.color, 0);
  EXPECT_EQ(fig.series()[1].style.color, 1);
  EXPECT_EQ(fig.series()[2].style.color, 7);
}

}  // namespace
}  // namespace deepfin::plot
