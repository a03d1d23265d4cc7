// Confusion-matrix figures for 3 and 77 classes are written as PNG/SVG; bad input leaves no file.
#include "deepfin/report/confusion_figure.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "deepfin/base/error.h"
#include "scratch_dir.h"

namespace deepfin::report {
namespace {

using text::testing::ScratchDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

metrics::ClassReport report_with(int64_t classes) {
  std::vector<int64_t> y_true, y_pred;
  std::vector<std::string> names;
  for (int64_t c = 0; c < classes; ++c) {
    names.push_back("class_name_" + std::to_string(c));
    for (int64_t i = 0; i < 4; ++i) {
      y_true.push_back(c);
      y_pred.push_back(i == 0 ? (c + 1) % classes : c);
    }
  }
  return metrics::classification_report(y_true, y_pred, names);
}

TEST(ConfusionFigure, WritesPngAndSvgForFewAndManyClasses) {
  ScratchDir dir;
  plot_confusion_matrix(report_with(3), dir.sub("three.png"));
  EXPECT_EQ(read_file(dir.sub("three.png")).substr(1, 3), "PNG");
  plot_confusion_matrix(report_with(3), dir.sub("three.svg"), /*normalize=*/false);
  const std::string svg = read_file(dir.sub("three.svg"));
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  plot_confusion_matrix(report_with(77), dir.sub("many.png"));
  EXPECT_EQ(read_file(dir.sub("many.png")).substr(1, 3), "PNG");
}

TEST(ConfusionFigure, ManyClassesShowTheMostConfusedOnes) {
  // 40 classes, all right except: class 7 -> 3 twice, class 35 -> 7 once.
  std::vector<int64_t> y_true, y_pred;
  std::vector<std::string> names;
  for (int64_t c = 0; c < 40; ++c) {
    names.push_back("c" + std::to_string(c));
    y_true.push_back(c);
    y_pred.push_back(c);
  }
  y_true.insert(y_true.end(), {7, 7, 35});
  y_pred.insert(y_pred.end(), {3, 3, 7});
  const metrics::ClassReport report = metrics::classification_report(y_true, y_pred, names);
  const std::vector<int64_t> shown = confusion_figure_classes(report);
  ASSERT_EQ(shown.size(), static_cast<size_t>(kMaxShownClasses));
  // Errors per class: 7 -> 3 (twice as true, once as predicted), 3 -> 2, 35 -> 1; the other 27 slots go
  // to the lowest ids among the error-free classes.
  std::vector<int64_t> expected;
  for (int64_t c = 0; c < 40 && static_cast<int64_t>(expected.size()) < kMaxShownClasses - 1; ++c) {
    if (c != 35) expected.push_back(c);
  }
  expected.push_back(35);
  EXPECT_EQ(shown, expected);
  ScratchDir dir;
  plot_confusion_matrix(report, dir.sub("forty.png"));
  EXPECT_EQ(read_file(dir.sub("forty.png")).substr(1, 3), "PNG");
  // Up to kMaxShownClasses every class is shown.
  EXPECT_EQ(confusion_figure_classes(report_with(kMaxShownClasses)).size(), static_cast<size_t>(kMaxShownClasses));
}

TEST(ConfusionFigure, BadInputLeavesNoFile) {
  ScratchDir dir;
  EXPECT_THROW(plot_confusion_matrix(metrics::ClassReport{.names = {}}, dir.sub("empty.png")), ValueError);
  metrics::ClassReport ragged = report_with(3);
  ragged.confusion[1].pop_back();
  EXPECT_THROW(plot_confusion_matrix(ragged, dir.sub("ragged.png")), ValueError);
  EXPECT_THROW(plot_confusion_matrix(report_with(3), dir.sub("no/such/dir/x.png")), FileError);
  EXPECT_TRUE(dir.empty());
}

}  // namespace
}  // namespace deepfin::report
