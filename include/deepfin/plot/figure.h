#pragma once
// A small Figure API over PLplot for report figures: line charts, overlaid
// histograms, horizontal bar charts (feature attributions) and heatmaps
// (confusion matrices). A Figure only collects validated data; save() draws it
// and writes a .png or .svg atomically.
//
//   plot::Figure("ROC", "false positive rate", "true positive rate")
//       .line(fpr, tpr, "model")
//       .line({0, 1}, {0, 1}, "chance", {.dashed = true})
//       .save("roc.png");
#include <string>
#include <vector>

namespace deepfin::plot {

// How a line series is drawn. `color` indexes the colour cycle (0..9); -1 takes
// the next colour. `points` marks every point with a symbol; with width 0 only
// the symbols are drawn (a scatter). `step` draws a post-step curve: y[i] holds
// from x[i] until x[i+1].
struct LineStyle {
  int color = -1;
  bool dashed = false;
  double width = 1.5;
  bool points = false;
  bool step = false;
};

// Number of colours in the cycle that LineStyle::color indexes.
inline constexpr int kColorCycleSize = 10;

class Figure {
 public:
  Figure(std::string title, std::string x_label, std::string y_label);

  // A line through (x[i], y[i]). ValueError if empty, sizes differ or a value is not finite.
  Figure& line(std::vector<double> x, std::vector<double> y, std::string label, LineStyle style = {});
  // The outline of a histogram of `values` over `bins` equal bins of [lo, hi]; values outside are
  // left out. With `density` the heights integrate to 1, else they are counts. Several overlay.
  Figure& histogram(const std::vector<double>& values, int bins, double lo, double hi, std::string label,
                    bool density = true);
  // One bar per name, top to bottom in the given order; negative values extend to the left of 0
  // (with any negative value, positive bars are red and negative ones blue; otherwise all are blue).
  Figure& horizontal_bars(std::vector<std::string> names, std::vector<double> values, std::string label = "");
  // cells[row][col] shaded white → blue with the value written in each cell; rows top to bottom.
  Figure& heatmap(std::vector<std::vector<double>> cells, std::vector<std::string> row_labels,
                  std::vector<std::string> col_labels);

  // Fixes an axis range instead of fitting the data; ValueError unless lo < hi, both finite.
  Figure& x_range(double lo, double hi);
  Figure& y_range(double lo, double hi);
  // x values are days since 1970-01-01; ticks are labelled YYYY-MM.
  Figure& x_axis_dates();
  // A logarithmic y axis (for curves spanning decades, such as equity over many years).
  // Line figures only; save() throws ValueError if a y value is not positive.
  Figure& y_axis_log();
  // Image size in pixels (default 900 x 600); ValueError outside [100, 10000].
  Figure& size(int width_px, int height_px);

  // Writes a .png or .svg (chosen by extension; ValueError otherwise) atomically: PLplot draws into
  // a temporary file in the same directory, which is renamed into place. On any failure no file (and
  // no temporary) is left behind and FileError names the path. Thread-safe (PLplot is not: saves are
  // serialized).
  void save(const std::string& path) const;

  // What the figure holds (also what the renderer reads).
  enum class Kind { kEmpty, kLines, kBars, kHeatmap };
  struct Series {
    std::vector<double> x, y;  // already expanded for steps and histograms
    std::string label;
    LineStyle style;  // color resolved to 0..kColorCycleSize-1
  };
  struct Bars {
    std::vector<std::string> names;
    std::vector<double> values;
    std::string label;
  };
  struct Heatmap {
    std::vector<std::vector<double>> cells;
    std::vector<std::string> row_labels, col_labels;
  };
  struct Range {
    bool set = false;
    double lo = 0, hi = 1;
  };

  Kind kind() const { return kind_; }
  const std::string& title() const { return title_; }
  const std::string& x_label() const { return x_label_; }
  const std::string& y_label() const { return y_label_; }
  const std::vector<Series>& series() const { return series_; }
  const Bars& bars() const { return bars_; }
  const Heatmap& heatmap_data() const { return heatmap_; }
  Range x_limits() const { return x_range_; }
  Range y_limits() const { return y_range_; }
  bool dates() const { return dates_; }
  bool y_log() const { return y_log_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  void set_kind(Kind kind, const std::string& what);
  std::string where(const std::string& series) const;

  std::string title_, x_label_, y_label_;
  Kind kind_ = Kind::kEmpty;
  std::vector<Series> series_;
  Bars bars_;
  Heatmap heatmap_;
  Range x_range_, y_range_;
  bool dates_ = false;
  bool y_log_ = false;
  int width_ = 900, height_ = 600;
  int next_color_ = 0;
};

}  // namespace deepfin::plot
