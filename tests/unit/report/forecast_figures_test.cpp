// Forecast and equity figures: files written (PNG magic, SVG), and bad input leaves no file.
#include "deepfin/report/forecast_figures.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "deepfin/base/error.h"

namespace deepfin::report {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deepfin-forecast-fig-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }
  bool empty() const { return std::filesystem::is_empty(path_); }

 private:
  std::filesystem::path path_;
};

std::string head(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  return bytes.substr(0, static_cast<size_t>(in.gcount()));
}

// 60 trading days from 2024-01-02 (day 19724), a drifting price and a lagged forecast.
struct Series {
  std::vector<double> days, actual, predicted;
};
Series sample_series() {
  Series s;
  for (int i = 0; i < 60; ++i) {
    s.days.push_back(19724 + i);
    s.actual.push_back(100 + 0.3 * i + 2 * std::sin(0.4 * i));
    s.predicted.push_back(i == 0 ? 100 : s.actual[i - 1]);
  }
  return s;
}

const std::string kPngMagic("\x89PNG\r\n\x1a\n", 8);

TEST(ForecastFigures, WritesPngAndSvg) {
  ScratchDir dir;
  const Series s = sample_series();
  plot_forecast(s.days, s.actual, s.predicted, "SPY close: LSTM forecast", dir.sub("forecast.png"));
  EXPECT_EQ(head(dir.sub("forecast.png"), 8), kPngMagic);
  std::vector<double> strategy, hold;
  for (size_t i = 0; i < s.actual.size(); ++i) {
    hold.push_back(s.actual[i] / s.actual[0]);
    strategy.push_back(1 + 0.001 * static_cast<double>(i));
  }
  plot_equity(s.days, {{"long/flat", strategy}, {"buy and hold", hold}}, "Equity", dir.sub("equity.png"));
  EXPECT_EQ(head(dir.sub("equity.png"), 8), kPngMagic);
  plot_equity(s.days, {{"buy and hold", hold}}, "Equity", dir.sub("equity.svg"));
  EXPECT_NE(head(dir.sub("equity.svg"), 200).find("<svg"), std::string::npos);
}

TEST(ForecastFigures, EquityThatSpansMoreThanTenfoldIsDrawnOnALogAxis) {
  ScratchDir dir;
  const Series s = sample_series();
  std::vector<double> steady, soaring;
  for (size_t i = 0; i < s.days.size(); ++i) {
    steady.push_back(1 + 0.01 * static_cast<double>(i));
    soaring.push_back(std::exp(0.06 * static_cast<double>(i)));  // 1 to 34x
  }
  EXPECT_FALSE(equity_figure(s.days, {{"steady", steady}}, "Equity").y_log());
  const plot::Figure both = equity_figure(s.days, {{"steady", steady}, {"soaring", soaring}}, "Equity");
  EXPECT_TRUE(both.y_log());
  EXPECT_EQ(both.y_label(), "equity (start = 1, log scale)");
  plot_equity(s.days, {{"steady", steady}, {"soaring", soaring}}, "Equity", dir.sub("log.png"));
  EXPECT_EQ(head(dir.sub("log.png"), 8), kPngMagic);
  // A curve that loses everything cannot go on a log axis: it stays linear.
  std::vector<double> ruined = soaring;
  ruined.back() = 0.0;
  EXPECT_FALSE(equity_figure(s.days, {{"ruined", ruined}}, "Equity").y_log());
}

TEST(ForecastFigures, ReturnsAndVolatilityFigures) {
  ScratchDir dir;
  const Series s = sample_series();
  std::vector<double> actual, forecast, realized, model;
  for (size_t i = 0; i < s.days.size(); ++i) {
    actual.push_back(0.01 * std::sin(static_cast<double>(i)));
    forecast.push_back(0.001);
    realized.push_back(actual.back() * actual.back());
    model.push_back(5e-5);
  }
  plot_forecast_returns(s.days, actual, forecast, "returns", dir.sub("returns.png"));
  EXPECT_EQ(head(dir.sub("returns.png"), 8), kPngMagic);
  plot_volatility(s.days, realized, {{"model", model}}, 252, 1, "volatility", dir.sub("volatility.png"));
  EXPECT_EQ(head(dir.sub("volatility.png"), 8), kPngMagic);
  EXPECT_THROW(plot_volatility(s.days, realized, {{"short", {1e-4}}}, 252, 1, "v", dir.sub("bad.png")), ShapeError);
  EXPECT_THROW(plot_volatility(s.days, realized, {}, 0, 1, "v", dir.sub("bad.png")), ValueError);
  EXPECT_THROW(plot_forecast_returns(s.days, actual, {0.1}, "r", dir.sub("bad.png")), ShapeError);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("bad.png")));
}

TEST(ForecastFigures, BadInputLeavesNoFile) {
  ScratchDir dir;
  Series s = sample_series();
  const std::string path = dir.sub("bad.png");
  try {
    plot_forecast(s.days, s.actual, {1, 2}, "t", path);
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "plot_forecast: predicted has 2 values but days has 60");
  }
  s.predicted[5] = std::nan("");
  EXPECT_THROW(plot_forecast(s.days, s.actual, s.predicted, "t", path), ValueError);
  EXPECT_THROW(plot_forecast({}, {}, {}, "t", path), ValueError);
  EXPECT_THROW(plot_equity(s.days, {}, "t", path), ValueError);
  try {
    plot_equity(s.days, {{"ok", s.actual}, {"short", {1, 2, 3}}}, "t", path);
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("curve 'short' has 3 values"), std::string::npos) << e.what();
  }
  EXPECT_THROW(plot_equity(s.days, {{"ok", s.actual}}, "t", dir.sub("equity.jpg")), ValueError);
  EXPECT_TRUE(dir.empty());
}

}  // namespace
}  // namespace deepfin::report
