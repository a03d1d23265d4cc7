// Drawing with PLplot. Every user string goes through escape(): '#' is PLplot's
// text escape character.
#include "plot/render.h"

#include <fmt/format.h>
#include <plstream.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace deepfin::plot::detail {
namespace {

// Matplotlib's "tab10": distinct, readable on white, fine for colour-blind readers in the first few.
constexpr std::array<std::array<int, 3>, kColorCycleSize> kCycle{{{31, 119, 180},
                                                                  {255, 127, 14},
                                                                  {44, 160, 44},
                                                                  {214, 39, 40},
                                                                  {148, 103, 189},
                                                                  {140, 86, 75},
                                                                  {227, 119, 194},
                                                                  {127, 127, 127},
                                                                  {188, 189, 34},
                                                                  {23, 190, 207}}};

constexpr double kSecondsPerDay = 86400.0;
constexpr const char* kMarker = "•";

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '#') out += '#';
  }
  return out;
}

std::string shorten(const std::string& text, size_t max_chars) {
  return text.size() <= max_chars ? text : text.substr(0, max_chars - 3) + "...";
}

// Viewport fractions from pixel margins, so text keeps its room at any image size.
void viewport(plstream& pls, const Figure& f, double left_px, double right_px, double bottom_px, double top_px) {
  pls.vpor(left_px / f.width(), 1.0 - right_px / f.width(), bottom_px / f.height(), 1.0 - top_px / f.height());
}

// A rough width of text in pixels at the default character size (measured on pngcairo output).
double text_px(const std::string& text) {
  return 10.0 * static_cast<double>(text.size());
}

std::pair<double, double> padded(double lo, double hi, double pad_fraction) {
  if (hi - lo <= 0) {
    const double half = std::max(0.5, std::abs(lo) * 0.1);
    return {lo - half, hi + half};
  }
  const double pad = (hi - lo) * pad_fraction;
  return {lo - pad, hi + pad};
}

// y as drawn: log10(y) on a logarithmic axis (PLplot labels such an axis 10^k).
std::vector<double> plotted_y(const Figure& f, const std::vector<double>& y) {
  std::vector<double> out(y);
  if (f.y_log())
    for (double& v : out) v = std::log10(v);
  return out;
}

// The inside corner of the plot with the fewest data points, so the legend hides the least.
int emptiest_corner(const Figure& f, double x0, double x1, double y0, double y1) {
  constexpr std::array<int, 4> corners{PL_POSITION_TOP | PL_POSITION_RIGHT, PL_POSITION_BOTTOM | PL_POSITION_RIGHT,
                                       PL_POSITION_TOP | PL_POSITION_LEFT, PL_POSITION_BOTTOM | PL_POSITION_LEFT};
  std::array<int, 4> hits{};
  auto count = [&](double x, double y) {
    const double u = (x - x0) / (x1 - x0), v = (y - y0) / (y1 - y0);
    const bool right = u > 0.6, left = u<0.4, top = v> 0.65, bottom = v < 0.35;
    hits[0] += right && top;
    hits[1] += right && bottom;
    hits[2] += left && top;
    hits[3] += left && bottom;
  };
  for (const auto& s : f.series()) {
    const double scale = f.dates() ? kSecondsPerDay : 1.0;
    const std::vector<double> y = plotted_y(f, s.y);
    for (size_t i = 0; i < s.x.size(); ++i) {
      count(s.x[i] * scale, y[i]);
      if (i + 1 < s.x.size()) {  // sample long segments too (a diagonal has only two points)
        for (int k = 1; k < 16; ++k) {
          const double t = k / 16.0;
          count((s.x[i] + t * (s.x[i + 1] - s.x[i])) * scale, y[i] + t * (y[i + 1] - y[i]));
        }
      }
    }
  }
  return corners[std::min_element(hits.begin(), hits.end()) - hits.begin()];
}

void legend(plstream& pls, const Figure& f, int position) {
  std::vector<const Figure::Series*> shown;
  for (const auto& s : f.series()) {
    if (!s.label.empty()) shown.push_back(&s);
  }
  if (shown.empty()) return;
  const int n = static_cast<int>(shown.size());
  std::vector<PLINT> opts(n), text_colors(n, kBlack), line_colors(n), line_styles(n), symbol_colors(n),
      symbol_numbers(n, 3), box_colors(n, kWhite), box_patterns(n, 0);
  std::vector<PLFLT> line_widths(n), symbol_scales(n, 1.0), box_scales(n, 0.8), box_widths(n, 1.0);
  std::vector<std::string> texts(n);
  std::vector<const char*> text_ptrs(n), symbols(n, kMarker);
  for (int i = 0; i < n; ++i) {
    const auto& s = *shown[i];
    const bool line = s.style.width > 0;
    opts[i] = (line ? PL_LEGEND_LINE : 0) | (s.style.points ? PL_LEGEND_SYMBOL : 0);
    line_colors[i] = symbol_colors[i] = kCycleBase + s.style.color;
    line_styles[i] = s.style.dashed ? 2 : 1;
    line_widths[i] = std::max(1.0, s.style.width);
    texts[i] = escape(s.label);
    text_ptrs[i] = texts[i].c_str();
  }
  PLFLT width = 0, height = 0;
  pls.legend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_INSIDE | PL_POSITION_VIEWPORT | position, 0.02, 0.03, 0.08, kWhite, kGridGrey, 1, n, 1, n,
             opts.data(), 1.0, 0.9, 2.0, 0.0, text_colors.data(), text_ptrs.data(), box_colors.data(),
             box_patterns.data(), box_scales.data(), box_widths.data(), line_colors.data(), line_styles.data(),
             line_widths.data(), symbol_colors.data(), symbol_scales.data(), symbol_numbers.data(), symbols.data());
}

void render_lines(const Figure& f, plstream& pls) {
  const double scale = f.dates() ? kSecondsPerDay : 1.0;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : f.series()) {
    const std::vector<double> y = plotted_y(f, s.y);
    for (size_t i = 0; i < s.x.size(); ++i) {
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, y[i]), y1 = std::max(y1, y[i]);
    }
  }
  std::tie(x0, x1) = f.x_limits().set ? std::pair{f.x_limits().lo, f.x_limits().hi} : padded(x0, x1, 0.0);
  std::tie(y0, y1) = f.y_limits().set
                         ? std::pair{plotted_y(f, {f.y_limits().lo})[0], plotted_y(f, {f.y_limits().hi})[0]}
                         : padded(y0, y1, 0.05);
  x0 *= scale, x1 *= scale;

  viewport(pls, f, 90, 30, 70, 50);
  pls.wind(x0, x1, y0, y1);
  if (f.dates()) pls.timefmt("%Y-%m");
  pls.col0(kGridGrey);
  pls.width(0.8);
  pls.box(f.dates() ? "gd" : "g", 0, 0, f.y_log() ? "gl" : "g", 0, 0);

  for (const auto& s : f.series()) {
    std::vector<double> x(s.x);
    for (double& v : x) v *= scale;
    const int n = static_cast<int>(x.size());
    pls.col0(kCycleBase + s.style.color);
    if (s.style.width > 0) {
      pls.lsty(s.style.dashed ? 2 : 1);
      pls.width(s.style.width);
      pls.line(n, x.data(), plotted_y(f, s.y).data());
    }
    if (s.style.points) pls.string(n, x.data(), plotted_y(f, s.y).data(), kMarker);
  }

  pls.lsty(1);
  pls.width(1.0);
  pls.col0(kBlack);
  pls.box(f.dates() ? "bcnstd" : "bcnst", 0, 0, f.y_log() ? "bcnstvl" : "bcnstv", 0, 0);
  pls.lab(escape(f.x_label()).c_str(), escape(f.y_label()).c_str(), escape(f.title()).c_str());
  legend(pls, f, emptiest_corner(f, x0, x1, y0, y1));
}

void render_bars(const Figure& f, plstream& pls) {
  const auto& bars = f.bars();
  const int n = static_cast<int>(bars.values.size());
  double lo = 0, hi = 0;
  for (double v : bars.values) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi - lo <= 0) hi = 1;
  const bool any_negative = lo < 0;
  const double pad = 0.12 * (hi - lo);  // room for the value written past each bar end
  if (f.x_limits().set) {
    lo = f.x_limits().lo, hi = f.x_limits().hi;
  } else {
    lo = lo < 0 ? lo - pad : 0, hi = hi > 0 ? hi + pad : 0;
  }
  double label_px = 0;
  for (const auto& name : bars.names) label_px = std::max(label_px, text_px(shorten(name, 32)));
  viewport(pls, f, std::min(label_px + 30, 0.45 * f.width()), 30, 70, 60);
  pls.wind(lo, hi, 0, n);
  pls.col0(kGridGrey);
  pls.width(0.8);
  pls.box("g", 0, 0, "", 0, 0);
  pls.width(1.0);
  for (int i = 0; i < n; ++i) {
    const double v = bars.values[i], center = n - i - 0.5, half = 0.35;
    const std::array<PLFLT, 4> x{std::min(0.0, v), std::max(0.0, v), std::max(0.0, v), std::min(0.0, v)};
    const std::array<PLFLT, 4> y{center - half, center - half, center + half, center + half};
    // With signed values red raises the score and blue lowers it; magnitudes alone are all blue.
    pls.col0(kCycleBase + (v >= 0 && any_negative ? 3 : 0));
    pls.fill(4, x.data(), y.data());
    pls.col0(kBlack);
    const std::string value = fmt::format("{:.3g}", v);
    pls.ptex(v + (v >= 0 ? 0.01 : -0.01) * (hi - lo), center, 1, 0, v >= 0 ? 0.0 : 1.0, value.c_str());
    pls.mtex("lv", 0.8, (center) / n, 1.0, escape(shorten(bars.names[i], 32)).c_str());
  }
  pls.col0(kBlack);
  if (lo < 0 && hi > 0) pls.join(0, 0, 0, n);
  pls.box("bcnst", 0, 0, "bc", 0, 0);
  pls.mtex("b", 3.2, 0.5, 0.5, escape(f.x_label()).c_str());
  pls.mtex("t", 2.5, 0.5, 0.5, escape(f.title()).c_str());
  pls.mtex("t", 0.8, 0.0, 1.0, escape(f.y_label()).c_str());
  if (!bars.label.empty()) pls.mtex("t", 0.8, 1.0, 1.0, escape(bars.label).c_str());
}

void render_heatmap(const Figure& f, plstream& pls) {
  const auto& h = f.heatmap_data();
  const int rows = static_cast<int>(h.cells.size()), cols = static_cast<int>(h.cells[0].size());
  double lo = INFINITY, hi = -INFINITY;
  bool integers = true;
  for (const auto& row : h.cells) {
    for (double v : row) lo = std::min(lo, v), hi = std::max(hi, v), integers &= v == std::round(v);
  }
  double label_px = 0;
  for (const auto& name : h.row_labels) label_px = std::max(label_px, text_px(shorten(name, 24)));
  label_px = std::max(label_px, text_px(f.y_label()));  // the y label sits above the row labels
  viewport(pls, f, std::min(label_px + 40, 0.4 * f.width()), 30, 80, 60);
  pls.wind(0, cols, 0, rows);
  // White → dark blue, like matplotlib's "Blues".
  const std::array<PLFLT, 2> pos{0, 1}, red{1, 0.03}, green{1, 0.19}, blue{1, 0.42};
  pls.scmap1l(true, 2, pos.data(), red.data(), green.data(), blue.data(), nullptr);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const double v = h.cells[r][c], frac = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const double top = rows - r;
      const std::array<PLFLT, 4> x{double(c), c + 1.0, c + 1.0, double(c)};
      const std::array<PLFLT, 4> y{top - 1, top - 1, top, top};
      pls.col1(frac);
      pls.fill(4, x.data(), y.data());
      pls.col0(frac > 0.55 ? kWhite : kBlack);
      const std::string text = integers ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v);
      pls.ptex(c + 0.5, top - 0.5, 1, 0, 0.5, text.c_str());
    }
  }
  pls.col0(kGridGrey);  // thin lines between cells
  for (int r = 1; r < rows; ++r) pls.join(0, r, cols, r);
  for (int c = 1; c < cols; ++c) pls.join(c, 0, c, rows);
  pls.col0(kBlack);
  for (int r = 0; r < rows; ++r) {
    pls.mtex("lv", 0.8, (rows - r - 0.5) / rows, 1.0, escape(shorten(h.row_labels[r], 24)).c_str());
  }
  for (int c = 0; c < cols; ++c) {
    pls.mtex("b", 1.5, (c + 0.5) / cols, 0.5, escape(shorten(h.col_labels[c], 16)).c_str());
  }
  pls.box("bc", 0, 0, "bc", 0, 0);
  pls.mtex("b", 3.5, 0.5, 0.5, escape(f.x_label()).c_str());
  pls.mtex("t", 2.5, 0.5, 0.5, escape(f.title()).c_str());
  pls.mtex("t", 0.8, 0.0, 1.0, escape(f.y_label()).c_str());
}

}  // namespace

void set_palette(plstream& pls) {
  pls.scmap0n(16);
  pls.scolbg(255, 255, 255);
  pls.scol0(kBlack, 0, 0, 0);
  for (int i = 0; i < kColorCycleSize; ++i) pls.scol0(kCycleBase + i, kCycle[i][0], kCycle[i][1], kCycle[i][2]);
  pls.scol0(kGridGrey, 225, 225, 225);
  pls.scol0(kDarkGrey, 90, 90, 90);
}

void render(const Figure& figure, plstream& pls) {
  pls.adv(0);
  pls.schr(0, 1.0);
  switch (figure.kind()) {
    case Figure::Kind::kBars:
      render_bars(figure, pls);
      break;
    case Figure::Kind::kHeatmap:
      render_heatmap(figure, pls);
      break;
    case Figure::Kind::kLines:
    case Figure::Kind::kEmpty:
      render_lines(figure, pls);
      break;
  }
}

}  // namespace deepfin::plot::detail
