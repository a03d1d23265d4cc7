#include <fmt/format.h>

#include <set>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "spec_parsers.h"

namespace deepfin::tasks {
namespace {

void require_one_of(const std::string& value, const std::set<std::string>& allowed, const std::string& what,
                    const std::string& file) {
  if (allowed.count(value)) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  throw ConfigError(fmt::format("{}: {} must be one of {}, got \"{}\"", file, what, list, value));
}

}  // namespace

ForecastSpec parse_forecast_spec(const nlohmann::json& job, const std::string& file) {
  ForecastSpec s;
  const nlohmann::json data = job.value("data", nlohmann::json::object());
  config::check_keys(
      data, {"source", "path", "date_column", "columns", "target", "missing", "date_format", "date_order", "encoding"},
      "data", file);
  s.path = config::get_or<std::string>(data, "path", "", "data", file);
  s.target = config::get_or<std::string>(data, "target", "", "data", file);
  if (s.path.empty() || s.target.empty())
    throw ConfigError(
        fmt::format("{}: [data] source \"series\" needs path (a dated CSV) and target (the column to forecast)", file));
  s.date_column = config::get_or<std::string>(data, "date_column", "", "data", file);
  s.columns = config::get_or<std::vector<std::string>>(data, "columns", {}, "data", file);
  s.missing = config::get_or<std::string>(data, "missing", s.missing, "data", file);
  require_one_of(s.missing, {"drop", "ffill"}, "[data] missing", file);
  s.date_format = config::get_or<std::string>(data, "date_format", s.date_format, "data", file);
  require_one_of(s.date_format, {"iso", "decimal_year"}, "[data] date_format", file);
  s.date_order = config::get_or<std::string>(data, "date_order", s.date_order, "data", file);
  require_one_of(s.date_order, {"error", "drop"}, "[data] date_order", file);
  s.encoding = config::get_or<std::string>(data, "encoding", s.encoding, "data", file);
  require_one_of(s.encoding, {"utf-8", "latin-1"}, "[data] encoding", file);

  const nlohmann::json features = job.value("features", nlohmann::json::object());
  config::check_keys(features, {"rolling_mean", "rolling_volatility"}, "features", file);
  s.rolling_mean = config::get_or<std::vector<int64_t>>(features, "rolling_mean", {}, "features", file);
  s.rolling_volatility = config::get_or<std::vector<int64_t>>(features, "rolling_volatility", {}, "features", file);
  for (int64_t w : s.rolling_mean)
    if (w < 1) throw ConfigError(fmt::format("{}: [features] rolling_mean windows must be >= 1, got {}", file, w));
  for (int64_t w : s.rolling_volatility)
    if (w < 2)
      throw ConfigError(fmt::format("{}: [features] rolling_volatility windows must be >= 2, got {}", file, w));

  const nlohmann::json window = job.value("window", nlohmann::json::object());
  config::check_keys(window, {"sequence_length", "horizon", "target"}, "window", file);
  s.target_kind = config::get_or<std::string>(window, "target", s.target_kind, "window", file);
  require_one_of(s.target_kind, {"return", "variance"}, "[window] target", file);
  s.sequence_length = config::get_or<int64_t>(window, "sequence_length", s.sequence_length, "window", file);
  s.horizon = config::get_or<int64_t>(window, "horizon", s.horizon, "window", file);
  if (s.sequence_length < 1 || s.horizon < 1)
    throw ConfigError(fmt::format("{}: [window] sequence_length and horizon must be >= 1 (got {} and {})", file,
                                  s.sequence_length, s.horizon));

  const nlohmann::json bt = job.value("backtest", nlohmann::json::object());
  config::check_keys(bt,
                     {"test_fraction", "window", "rolling_size", "retrain_every", "cost_bps", "threshold",
                      "periods_per_year", "tradable", "significance", "ewma_lambda", "var_levels", "var_method"},
                     "backtest", file);
  s.test_fraction = config::get_or<double>(bt, "test_fraction", s.test_fraction, "backtest", file);
  if (!(s.test_fraction > 0 && s.test_fraction < 1))
    throw ConfigError(fmt::format("{}: [backtest] test_fraction must lie in (0, 1), got {}", file, s.test_fraction));
  s.window = config::get_or<std::string>(bt, "window", s.window, "backtest", file);
  require_one_of(s.window, {"expanding", "rolling"}, "[backtest] window", file);
  s.rolling_size = config::get_or<int64_t>(bt, "rolling_size", 0, "backtest", file);
  if (s.window == "rolling" && s.rolling_size < 1)
    throw ConfigError(fmt::format("{}: [backtest] window = \"rolling\" needs rolling_size >= 1", file));
  s.retrain_every = config::get_or<int64_t>(bt, "retrain_every", s.retrain_every, "backtest", file);
  if (s.retrain_every < 1)
    throw ConfigError(fmt::format("{}: [backtest] retrain_every must be >= 1, got {}", file, s.retrain_every));
  s.cost_bps = config::get_or<double>(bt, "cost_bps", s.cost_bps, "backtest", file);
  if (!(s.cost_bps >= 0)) throw ConfigError(fmt::format("{}: [backtest] cost_bps must be >= 0", file));
  s.threshold = config::get_or<double>(bt, "threshold", 0.0, "backtest", file);
  s.periods_per_year = config::get_or<int>(bt, "periods_per_year", 252, "backtest", file);
  if (s.periods_per_year < 1) throw ConfigError(fmt::format("{}: [backtest] periods_per_year must be >= 1", file));
  if (bt.contains("tradable")) s.tradable = config::get_or<bool>(bt, "tradable", true, "backtest", file);
  s.significance = config::get_or<double>(bt, "significance", s.significance, "backtest", file);
  if (!(s.significance > 0 && s.significance < 0.5))
    throw ConfigError(fmt::format("{}: [backtest] significance must lie in (0, 0.5), got {}", file, s.significance));
  s.ewma_lambda = config::get_or<double>(bt, "ewma_lambda", s.ewma_lambda, "backtest", file);
  if (!(s.ewma_lambda > 0 && s.ewma_lambda < 1))
    throw ConfigError(fmt::format("{}: [backtest] ewma_lambda must lie in (0, 1), got {}", file, s.ewma_lambda));
  s.var_levels = config::get_or<std::vector<double>>(bt, "var_levels", s.var_levels, "backtest", file);
  for (double level : s.var_levels)
    if (!(level >= 0.9 && level < 1))
      throw ConfigError(fmt::format("{}: [backtest] var_levels must lie in [0.9, 1), got {}", file, level));
  s.var_method = config::get_or<std::string>(bt, "var_method", s.var_method, "backtest", file);
  require_one_of(s.var_method, {"filtered_historical", "gaussian"}, "[backtest] var_method", file);
  if (s.target_kind == "return" &&
      (bt.contains("ewma_lambda") || bt.contains("var_levels") || bt.contains("var_method")))
    throw ConfigError(fmt::format(
        "{}: [backtest] ewma_lambda, var_levels and var_method apply to [window] target = \"variance\"", file));
  if (s.target_kind == "variance" && (bt.contains("threshold") || bt.contains("cost_bps") || bt.contains("tradable")))
    throw ConfigError(fmt::format(
        "{}: [backtest] threshold, cost_bps and tradable apply to return forecasts (a variance forecast is not traded)",
        file));
  return s;
}

}  // namespace deepfin::tasks
