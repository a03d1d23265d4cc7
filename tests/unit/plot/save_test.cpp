// Figure::save: real PNG/SVG files of the requested size, atomic writes, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "deepfin/base/error.h"
#include "deepfin/plot/figure.h"
#include "plot_test_util.h"

namespace deepfin::plot {
namespace {

using testing::png_size;
using testing::read_bytes;
using testing::TempDir;

Figure roc_like() {
  std::vector<double> x, y;
  for (int i = 0; i <= 50; ++i) x.push_back(i / 50.0), y.push_back(std::sqrt(i / 50.0));
  Figure fig("ROC #1", "false positive rate", "true positive rate");
  fig.line(x, y, "model (AUC 0.80)").line({0, 1}, {0, 1}, "chance", {.color = 7, .dashed = true});
  return fig;
}

TEST(FigureSave, PngHasRequestedSize) {
  TempDir dir;
  roc_like().size(640, 480).save(dir.file("roc.png"));
  EXPECT_EQ(png_size(dir.file("roc.png")), std::make_pair(640u, 480u));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"roc.png"});  // no temporary left
}

TEST(FigureSave, DefaultSizeAndOverwrite) {
  TempDir dir;
  roc_like().save(dir.file("a.PNG"));
  EXPECT_EQ(png_size(dir.file("a.PNG")), std::make_pair(900u, 600u));
  roc_like().size(300, 200).save(dir.file("a.PNG"));
  EXPECT_EQ(png_size(dir.file("a.PNG")), std::make_pair(300u, 200u));
}

TEST(FigureSave, SvgHasXmlHeader) {
  TempDir dir;
  roc_like().save(dir.file("roc.svg"));
  const std::string text = read_bytes(dir.file("roc.svg"));
  EXPECT_TRUE(text.rfind("<?xml", 0) == 0 || text.rfind("<svg", 0) == 0) << text.substr(0, 80);
  EXPECT_NE(text.find("<svg"), std::string::npos);
}

TEST(FigureSave, BadExtensionIsValueError) {
  TempDir dir;
  try {
    roc_like().save(dir.file("roc.jpg"));
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("roc.jpg"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(".png or .svg"), std::string::npos) << e.what();
  }
  EXPECT_THROW(roc_like().save(dir.file("noext")), ValueError);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(FigureSave, ALogAxisNeedsPositiveValuesOfALineChart) {
  TempDir dir;
  Figure ok("growth", "year", "wealth");
  ok.line({0, 1, 2}, {1, 10, 100}, "x10 a year").y_axis_log();
  ok.save(dir.file("log.png"));
  EXPECT_EQ(png_size(dir.file("log.png")), std::make_pair(900u, 600u));
  Figure zero("growth", "year", "wealth");
  zero.line({0, 1}, {1, 0}, "ruin").y_axis_log();
  try {
    zero.save(dir.file("zero.png"));
    ADD_FAILURE() << "a zero on a log axis";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("series 'ruin' has y[1] = 0"), std::string::npos) << e.what();
  }
  Figure bars("b", "", "");
  bars.horizontal_bars({"a"}, {1.0}).y_axis_log();
  EXPECT_THROW(bars.save(dir.file("bars.png")), ValueError);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"log.png"});
}

TEST(FigureSave, EmptyFigureIsValueError) {
  TempDir dir;
  EXPECT_THROW(Figure("empty", "x", "y").save(dir.file("e.png")), ValueError);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(FigureSave, UnwritableDirectoryIsFileErrorAndLeavesNothing) {
  TempDir dir;
  const std::string missing = dir.file("no/such/dir/roc.png");
  try {
    roc_like().save(missing);
    FAIL() << "expected FileError";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  // A regular file where a directory should be (root ignores permission bits, so this is the portable case).
  testing::TempDir other;
  { std::ofstream(other.file("plain")) << "x"; }
  EXPECT_THROW(roc_like().save(other.file("plain/roc.png")), FileError);
  EXPECT_TRUE(dir.entries().empty());
  EXPECT_EQ(other.entries(), std::vector<std::string>{"plain"});
}

TEST(FigureSave, BarsHeatmapHistogramsAndDates) {
  TempDir dir;
  Figure("Attributions", "mean |attribution|", "feature")
      .horizontal_bars({"income", "age", "a_very_long_feature_name_that_gets_shortened_somewhere", "debt #"},
                       {0.4, -0.2, 0.1, -0.05}, "raises / lowers")
      .save(dir.file("bars.png"));
  Figure("Confusion", "predicted", "true")
      .heatmap({{50, 3}, {7, 40}}, {"good", "bad"}, {"good", "bad"})
      .save(dir.file("heat.png"));
  std::vector<double> a, b;
  for (int i = 0; i < 200; ++i) a.push_back(std::fmod(i * 0.618, 1.0) * 0.7), b.push_back(0.3 + a.back());
  Figure("Scores", "score", "density")
      .histogram(a, 20, 0, 1, "good")
      .histogram(b, 20, 0, 1, "bad")
      .save(dir.file("hist.png"));
  Figure("Prices", "date", "close")
      .line({18262, 18300, 18400, 18600}, {1, 2, 1.5, 3}, "close", {.points = true})
      .x_axis_dates()
      .save(dir.file("dates.png"));
  for (const char* name : {"bars.png", "heat.png", "hist.png", "dates.png"}) {
    EXPECT_EQ(png_size(dir.file(name)), std::make_pair(900u, 600u)) << name;
  }
  EXPECT_EQ(dir.entries().size(), 4u);
}

TEST(FigureSave, ConcurrentSavesAreSerialized) {
  TempDir dir;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { roc_like().size(200 + t, 150).save(dir.file(std::to_string(t) + ".png")); });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(png_size(dir.file(std::to_string(t) + ".png")), std::make_pair(200u + t, 150u));
  }
}

}  // namespace
}  // namespace deepfin::plot
