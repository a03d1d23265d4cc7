// Figure: collects and validates series; drawing lives in render.cpp.
#include "deepfin/plot/figure.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "deepfin/base/error.h"

namespace deepfin::plot {
namespace {

void check_finite(const std::vector<double>& v, const std::string& where, const char* what) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw ValueError(fmt::format("{}: {} value at index {} is {}, values must be finite", where, what, i, v[i]));
    }
  }
}

void check_range(double lo, double hi, const std::string& where, const char* axis) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    throw ValueError(fmt::format("{}: {} range [{}, {}] must be finite with lo < hi", where, axis, lo, hi));
  }
}

}  // namespace

Figure::Figure(std::string title, std::string x_label, std::string y_label)
    : title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}

std::string Figure::where(const std::string& series) const {
  return fmt::format("figure '{}', series '{}'", title_, series);
}

// Lines and histograms share axes; bars and heatmaps each own the whole figure.
void Figure::set_kind(Kind kind, const std::string& what) {
  if (kind_ != Kind::kEmpty && (kind_ != kind || kind != Kind::kLines)) {
    throw ValueError(
        fmt::format("{}: a figure holds either lines/histograms, one bar chart or one heatmap", where(what)));
  }
  kind_ = kind;
}

Figure& Figure::line(std::vector<double> x, std::vector<double> y, std::string label, LineStyle style) {
  const std::string at = where(label);
  if (x.empty()) throw ValueError(fmt::format("{}: no points", at));
  if (x.size() != y.size()) {
    throw ValueError(fmt::format("{}: x has {} values but y has {}", at, x.size(), y.size()));
  }
  check_finite(x, at, "x");
  check_finite(y, at, "y");
  if (style.color < -1 || style.color >= kColorCycleSize) {
    throw ValueError(fmt::format("{}: color {} is not -1 or in [0, {})", at, style.color, kColorCycleSize));
  }
  if (!std::isfinite(style.width) || style.width < 0) {
    throw ValueError(fmt::format("{}: line width {} must be finite and >= 0", at, style.width));
  }
  set_kind(Kind::kLines, label);
  if (style.color == -1) style.color = next_color_++ % kColorCycleSize;
  if (style.step && x.size() > 1) {
    // Post-step: hold y[i] until x[i+1], then jump.
    std::vector<double> sx{x[0]}, sy{y[0]};
    for (size_t i = 1; i < x.size(); ++i) {
      sx.insert(sx.end(), {x[i], x[i]});
      sy.insert(sy.end(), {y[i - 1], y[i]});
    }
    x = std::move(sx);
    y = std::move(sy);
  }
  series_.push_back({std::move(x), std::move(y), std::move(label), style});
  return *this;
}

Figure& Figure::histogram(const std::vector<double>& values, int bins, double lo, double hi, std::string label,
                          bool density) {
  const std::string at = where(label);
  if (values.empty()) throw ValueError(fmt::format("{}: no values", at));
  if (bins < 1 || bins > 100000) throw ValueError(fmt::format("{}: bins = {} must be in [1, 100000]", at, bins));
  check_range(lo, hi, at, "histogram");
  check_finite(values, at, "histogram");
  std::vector<double> counts(bins, 0.0);
  const double width = (hi - lo) / bins;
  double inside = 0;
  for (double v : values) {
    if (v < lo || v > hi) continue;
    // The last bin is closed on the right, like numpy.
    const int b = std::min(bins - 1, static_cast<int>((v - lo) / width));
    counts[b] += 1;
    inside += 1;
  }
  const double scale = density ? (inside > 0 ? 1.0 / (inside * width) : 0.0) : 1.0;
  // The outline: up at the left edge, across each bin, down at the right edge.
  std::vector<double> x{lo}, y{0.0};
  for (int b = 0; b < bins; ++b) {
    const double left = lo + b * width, right = lo + (b + 1) * width;
    x.insert(x.end(), {left, right});
    y.insert(y.end(), {counts[b] * scale, counts[b] * scale});
  }
  x.push_back(hi);
  y.push_back(0.0);
  return line(std::move(x), std::move(y), std::move(label), {.width = 2.0});
}

Figure& Figure::horizontal_bars(std::vector<std::string> names, std::vector<double> values, std::string label) {
  const std::string at = where(label.empty() ? "bars" : label);
  if (names.empty()) throw ValueError(fmt::format("{}: no bars", at));
  if (names.size() != values.size()) {
    throw ValueError(fmt::format("{}: {} names but {} values", at, names.size(), values.size()));
  }
  check_finite(values, at, "bar");
  set_kind(Kind::kBars, label.empty() ? "bars" : label);
  bars_ = {std::move(names), std::move(values), std::move(label)};
  return *this;
}

Figure& Figure::heatmap(std::vector<std::vector<double>> cells, std::vector<std::string> row_labels,
                        std::vector<std::string> col_labels) {
  const std::string at = where("heatmap");
  if (cells.empty() || cells[0].empty()) throw ValueError(fmt::format("{}: no cells", at));
  for (size_t r = 0; r < cells.size(); ++r) {
    if (cells[r].size() != cells[0].size()) {
      throw ValueError(
          fmt::format("{}: row {} has {} cells but row 0 has {}", at, r, cells[r].size(), cells[0].size()));
    }
    check_finite(cells[r], at, fmt::format("row {} cell", r).c_str());
  }
  if (row_labels.size() != cells.size() || col_labels.size() != cells[0].size()) {
    throw ValueError(fmt::format("{}: {}x{} cells but {} row labels and {} column labels", at, cells.size(),
                                 cells[0].size(), row_labels.size(), col_labels.size()));
  }
  set_kind(Kind::kHeatmap, "heatmap");
  heatmap_ = {std::move(cells), std::move(row_labels), std::move(col_labels)};
  return *this;
}

Figure& Figure::x_range(double lo, double hi) {
  check_range(lo, hi, fmt::format("figure '{}'", title_), "x");
  x_range_ = {true, lo, hi};
  return *this;
}

Figure& Figure::y_range(double lo, double hi) {
  check_range(lo, hi, fmt::format("figure '{}'", title_), "y");
  y_range_ = {true, lo, hi};
  return *this;
}

Figure& Figure::x_axis_dates() {
  dates_ = true;
  return *this;
}

Figure& Figure::y_axis_log() {
  y_log_ = true;
  return *this;
}

Figure& Figure::size(int width_px, int height_px) {
  if (width_px < 100 || width_px > 10000 || height_px < 100 || height_px > 10000) {
    throw ValueError(
        fmt::format("figure '{}': size {} x {} px must be within [100, 10000]", title_, width_px, height_px));
  }
  width_ = width_px;
  height_ = height_px;
  return *this;
}

}  // namespace deepfin::plot
