#pragma once
// The forecasting part of a job file ([data] source = "series", [features],
// [window], [backtest]): which price series to read, the causal features built
// from it, the windows a sequence model sees, and how the walk-forward backtest
// and the long/flat strategy run.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace deepfin::cli {

struct ForecastSpec {
  // [data]
  std::string path;
  std::string date_column;           // empty: the first column
  std::vector<std::string> columns;  // value columns read (empty: all); features are built for each
  std::string target;                // the series to forecast (one of columns)
  std::string missing = "drop";      // "drop" | "ffill"
  std::string date_format = "iso";   // "iso" | "decimal_year"
  std::string date_order = "error";  // "error" | "drop"
  std::string encoding = "utf-8";    // "utf-8" | "latin-1" (the CSV reader's encodings)
  // [features] (per column, from log returns; all causal)
  std::vector<int64_t> rolling_mean;        // windows of the rolling mean of log returns
  std::vector<int64_t> rolling_volatility;  // windows of the rolling std of log returns
  // [window]
  int64_t sequence_length = 60;
  int64_t horizon = 1;  // forecast the log return from t to t + horizon
  // [backtest]
  double test_fraction = 0.2;        // the last share of the series is the test span
  std::string window = "expanding";  // "expanding" | "rolling"
  int64_t rolling_size = 0;          // rolling: training samples
  int64_t retrain_every = 63;        // k: refit after every k test points
  double cost_bps = 5.0;             // transaction cost per unit of position change, basis points
  double threshold = 0.0;            // long when the forecast log return exceeds this
  int periods_per_year = 252;
};

// Parses the forecasting tables of a job's JSON; ConfigError names the file, table and key.
ForecastSpec parse_forecast_spec(const nlohmann::json& job, const std::string& file);

}  // namespace deepfin::cli
