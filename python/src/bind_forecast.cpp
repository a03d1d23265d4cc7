// Forecasting and backtests: the job's walk-forward run (forecasts, metrics beside
// the naive baselines, the long/flat strategy) and the saved forecaster that
// forecasts from recent rows.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.h"
#include "deepfin/backtest/significance.h"
#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/forecast_task.h"
#include "deepfin/tasks/saved_forecaster.h"
#include "task_support.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

py::dict forecast_metrics_dict(const backtest::ForecastMetrics& f) {
  return py::dict(py::arg("n") = f.n, py::arg("mae") = f.mae, py::arg("rmse") = f.rmse, py::arg("mape") = f.mape,
                  py::arg("directional_accuracy") = f.directional_accuracy, py::arg("moves") = f.moves);
}

py::dict strategy_dict(const backtest::StrategyResult& s) {
  return py::dict(py::arg("cumulative_return") = s.cumulative_return,
                  py::arg("annualized_return") = s.annualized_return,
                  py::arg("annualized_volatility") = s.annualized_volatility, py::arg("sharpe") = s.sharpe,
                  py::arg("max_drawdown") = s.max_drawdown, py::arg("turnover") = s.turnover,
                  py::arg("exposure") = s.exposure, py::arg("equity") = s.equity, py::arg("positions") = s.positions);
}

// A variance model's forecast has no log return or price; a return model's has no variance.
py::dict next_dict(const tasks::NextForecast& n) {
  if (n.kind == "variance")
    return py::dict(py::arg("variance") = n.variance, py::arg("volatility") = std::sqrt(n.variance),
                    py::arg("ewma_variance") = n.ewma_variance, py::arg("garch_variance") = n.garch_variance,
                    py::arg("combination_variance") = n.combination_variance, py::arg("after") = n.after);
  return py::dict(py::arg("log_return") = n.log_return, py::arg("price") = n.price, py::arg("after") = n.after);
}

}  // namespace

void bind_forecast(py::module_& m) {
  py::class_<tasks::ForecastResult>(m, "ForecastResult")
      .def_readonly("walk_forward", &tasks::ForecastResult::walk_forward)
      .def_readonly("dates", &tasks::ForecastResult::dates)
      .def_readonly("previous", &tasks::ForecastResult::previous)
      .def_readonly("actual", &tasks::ForecastResult::actual)
      .def_readonly("predicted", &tasks::ForecastResult::predicted)
      .def_readonly("forecast_log_return", &tasks::ForecastResult::forecast_log_return)
      .def_readonly("summary", &tasks::ForecastResult::summary)
      .def_readonly("target_kind", &tasks::ForecastResult::target_kind)
      .def_readonly("warning", &tasks::ForecastResult::warning)
      .def_readonly("realized_variance", &tasks::ForecastResult::realized)
      .def_readonly("variance_forecasts", &tasks::ForecastResult::variance_forecasts)
      .def_property_readonly(
          "variance_tests",
          [](const tasks::ForecastResult& r) {
            py::list out;
            for (const auto& c : r.variance_comparisons)
              out.append(py::dict(py::arg("forecaster") = c.forecaster, py::arg("baseline") = c.baseline,
                                  py::arg("loss") = c.loss, py::arg("mean_difference") = c.test.mean_difference,
                                  py::arg("statistic") = c.test.statistic, py::arg("p_value") = c.test.p_value,
                                  py::arg("verdict") = backtest::to_string(c.verdict)));
            return out;
          })
      .def_property_readonly(
          "value_at_risk",
          [](const tasks::ForecastResult& r) {
            py::list out;
            for (const auto& row : r.var_backtests) {
              const backtest::VarBacktest& b = row.backtest;
              out.append(py::dict(
                  py::arg("forecaster") = row.forecaster, py::arg("level") = b.level,
                  py::arg("var_multiple") = row.var_multiple, py::arg("es_multiple") = row.es_multiple,
                  py::arg("calibration_returns") = row.calibration_returns, py::arg("exceptions") = b.exceptions,
                  py::arg("points") = b.n, py::arg("kupiec_p") = b.kupiec_p,
                  py::arg("independence_p") = b.independence_p, py::arg("conditional_p") = b.conditional_p,
                  py::arg("zone") = backtest::to_string(b.light), py::arg("shortfall_ratio") = b.shortfall_ratio));
            }
            return out;
          })
      .def_readonly("var_note", &tasks::ForecastResult::var_note)
      .def_property_readonly(
          "significance",
          [](const tasks::ForecastResult& r) {
            py::dict d;
            if (r.versus_random_walk)
              d["versus_random_walk"] = py::dict(py::arg("statistic") = r.versus_random_walk->statistic,
                                                 py::arg("p_value") = r.versus_random_walk->p_value,
                                                 py::arg("mean_difference") = r.versus_random_walk->mean_difference);
            if (r.sharpe_versus_hold)
              d["sharpe_versus_hold"] = py::dict(py::arg("difference") = r.sharpe_versus_hold->difference,
                                                 py::arg("lower") = r.sharpe_versus_hold->lower,
                                                 py::arg("upper") = r.sharpe_versus_hold->upper,
                                                 py::arg("p_value") = r.sharpe_versus_hold->p_value);
            return d;
          })
      .def_property_readonly("metrics",
                             [](const tasks::ForecastResult& r) {
                               return py::dict(py::arg("model") = forecast_metrics_dict(r.model),
                                               py::arg("random_walk") = forecast_metrics_dict(r.random_walk),
                                               py::arg("always_up") = forecast_metrics_dict(r.always_up));
                             })
      .def_property_readonly("strategy", [](const tasks::ForecastResult& r) { return strategy_dict(r.strategy); })
      .def_property_readonly("buy_and_hold",
                             [](const tasks::ForecastResult& r) { return strategy_dict(r.buy_and_hold); })
      .def_property_readonly("model", [](const tasks::ForecastResult& r) { return r.fitted; });

  py::class_<tasks::ForecastTask>(m, "ForecastTask")
      .def(py::init<tasks::JobSpec>(), py::arg("job"))
      .def(
          "run",
          [](const tasks::ForecastTask& t, uint64_t seed, bool walk_forward, py::object progress) {
            const tasks::Progress report = python_progress(std::move(progress));  // made under the GIL
            py::gil_scoped_release release;
            set_random_seed(seed);
            nn::clear_session();
            return t.run(seed, walk_forward, report);
          },
          py::arg("seed"), py::arg("walk_forward"), py::arg("progress") = py::none())
      .def("write_report", &tasks::ForecastTask::write_report, py::arg("result"), py::arg("dir"))
      .def("save", &tasks::ForecastTask::save, py::arg("result"), py::arg("path"));

  py::class_<tasks::SavedForecaster>(m, "SavedForecaster")
      .def_static("load", &tasks::SavedForecaster::load, py::arg("path"))
      .def_property_readonly("columns", &tasks::SavedForecaster::columns)
      .def_property_readonly("target", &tasks::SavedForecaster::target)
      .def_property_readonly("sequence_length", &tasks::SavedForecaster::sequence_length)
      .def_property_readonly("horizon", &tasks::SavedForecaster::horizon)
      .def(
          "next",
          [](const tasks::SavedForecaster& f, const data::Table& rows) { return next_dict(f.next(f.read(rows))); },
          py::arg("rows"))
      .def(
          "next_from_file",
          [](const tasks::SavedForecaster& f, const std::string& path) { return next_dict(f.next(f.read(path))); },
          py::arg("path"));
}

}  // namespace deepfin::python
