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
