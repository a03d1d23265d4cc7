// Forecast models take the recent rows of their series, {"rows": [{"date":
// "2024-01-02", "close": 4742.8}, ...]} (enough for the features' warm-up and
// the window), and answer the forecast log return over the horizon and the price
// it implies after the last row.
#include <fmt/format.h>

#include <cmath>

#include "deepfin/serve/request_error.h"
#include "deepfin/tasks/saved_forecaster.h"
#include "serve/json_fields.h"
#include "serve/scorers.h"

namespace deepfin::serve {
namespace {

struct Window : Instances {
  data::TimeSeries series;
};

class ForecastScorer final : public Scorer {
 public:
  explicit ForecastScorer(tasks::SavedForecaster forecaster) : forecaster_(std::move(forecaster)) {
    const auto& options = forecaster_.read_options();
    date_column_ = options.date_column.empty() ? "date" : options.date_column;
  }

  std::string kind() const override { return "forecast"; }
  const models::Model& model() const override { return forecaster_.model(); }

  std::unique_ptr<Instances> parse(const nlohmann::json& body) const override {
    const nlohmann::json& rows = require_field(require_object(body), "rows", "rows");
    if (!rows.is_array()) throw_mistyped("rows", "an array of rows, oldest first", rows);
    data::Table table;
    table.source = "request";
    table.columns.push_back({.name = date_column_});
    for (const auto& name : forecaster_.columns()) table.columns.push_back({.name = name});
    for (size_t r = 0; r < rows.size(); ++r) {
      const std::string where = fmt::format("rows[{}]", r);
      if (!rows[r].is_object()) throw_mistyped(where, "an object keyed by column name", rows[r]);
      for (auto& column : table.columns) {
        const std::string field = where + "." + column.name;
        const nlohmann::json& v = require_field(rows[r], column.name, field);
        if (v.is_null())
          column.values.emplace_back(std::nullopt);
        else if (v.is_string())
          column.values.emplace_back(v.get<std::string>());
        else if (v.is_number() && &column != &table.columns.front())
          column.values.emplace_back(fmt::format("{}", v.get<double>()));
        else
          throw_mistyped(field, &column == &table.columns.front() ? "a date string" : "a number", v);
      }
      table.lines.push_back(static_cast<int64_t>(r) + 1);
    }
    auto out = std::make_unique<Window>();
    try {
      out->series = forecaster_.read(table);
    } catch (const ValueError& e) {
      throw RequestError(422, fmt::format("field 'rows': {}", e.what()));
    }
    out->rows = 1;
    return out;
  }

  // Each window is its own forecast; the model is small and sees one window at a time.
  std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const override {
    std::vector<nlohmann::json> out;
    for (const Instances* i : batch) {
      const tasks::NextForecast f = forecaster_.next(static_cast<const Window*>(i)->series);
      nlohmann::json p = {{"after", f.after}, {"horizon", forecaster_.horizon()}};
      if (f.kind == "variance") {
        p["variance"] = f.variance;
        p["volatility"] = std::sqrt(f.variance);
        p["ewma_variance"] = f.ewma_variance;
        if (forecaster_.has_garch()) {  // files saved before the combination lack GARCH
          p["garch_variance"] = f.garch_variance;
          p["combination_variance"] = f.combination_variance;
        }
      } else {
        p["log_return"] = f.log_return;
        p["price"] = f.price;
      }
      out.push_back({{"predictions", nlohmann::json::array({p})}});
    }
    return out;
  }

  nlohmann::json schema() const override {
    std::vector<std::string> columns = {date_column_};
    columns.insert(columns.end(), forecaster_.columns().begin(), forecaster_.columns().end());
    nlohmann::json output =
        forecaster_.target_kind() == "variance"
            ? nlohmann::json{{"variance",
                              fmt::format("forecast sum of the squared log returns of {} over t + 1 .. t + {}, "
                                          "t the last row",
                                          forecaster_.target(), forecaster_.horizon())},
                             {"volatility", "the square root of variance"},
                             {"ewma_variance", "the RiskMetrics EWMA's forecast of the same"}}
            : nlohmann::json{{"log_return", fmt::format("forecast log({0}[t + {1}] / {0}[t]), t the last row",
                                                        forecaster_.target(), forecaster_.horizon())},
                             {"price", "the last row's price times exp(log_return)"}};
    if (forecaster_.has_garch()) {  // files saved before the combination answer without these
      output["garch_variance"] = "GARCH(1,1)'s forecast, with the parameters of the model's last fit";
      output["combination_variance"] = "the geometric mean of variance, ewma_variance and garch_variance";
    }
    return {{"input",
             {{"rows", "the series' most recent rows, oldest first, each an object with these columns"},
              {"columns", columns},
              {"date_format", forecaster_.read_options().date_format},
              {"window", forecaster_.sequence_length()}}},
            {"output", output},
            {"target", forecaster_.target()},
            {"horizon", forecaster_.horizon()}};
  }

  nlohmann::json example() const override { return nullptr; }  // needs real prices

 private:
  tasks::SavedForecaster forecaster_;
  std::string date_column_;
};

}  // namespace

std::shared_ptr<const Scorer> load_forecast_scorer(const std::string& path) {
  return std::make_shared<ForecastScorer>(tasks::SavedForecaster::load(path));
}

}  // namespace deepfin::serve
