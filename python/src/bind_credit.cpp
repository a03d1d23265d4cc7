// The credit (risk and loan assessment) task: job specs, tables from files or from
// columns a DataFrame hands over, fit / evaluate / cv / report, and the scoring
// model with its reason codes. All the recipe is tasks::CreditTask's, as in the CLI.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/tasks/credit_fairness.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/job_file.h"
#include "json_bridge.h"
#include "python_callback.h"
#include "task_support.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

py::dict metrics_dict(const std::map<std::string, double>& m) {
  py::dict out;
  for (const auto& [k, v] : m) out[py::str(k)] = v;
  return out;
}

py::dict explanation_dict(const tabular::TabularModel& model, const tabular::RowExplanation& e) {
  py::list reasons;
  for (const auto& r : e.reasons)
    reasons.append(py::dict(py::arg("column") = model.preprocessor().columns().at(r.column).name,
                            py::arg("reason") = r.text, py::arg("log_odds_contribution") = r.attribution));
  py::dict attributions;
  for (size_t c = 0; c < e.column_attributions.size(); ++c)
    attributions[py::str(model.preprocessor().columns()[c].name)] = e.column_attributions[c];
  return py::dict(py::arg("line") = e.line, py::arg("probability") = e.probability,
                  py::arg("decision") = e.adverse ? "adverse" : "accept",
                  py::arg("points") = model.points(e.probability), py::arg("log_odds") = e.log_odds,
                  py::arg("baseline_log_odds") = e.baseline_log_odds, py::arg("reasons") = reasons,
                  py::arg("attributions") = attributions);
}

}  // namespace

void bind_credit(py::module_& m) {
  py::class_<data::Table>(m, "Table")
      .def_property_readonly("num_rows", &data::Table::num_rows)
      .def_property_readonly("source", [](const data::Table& t) { return t.source; })
      .def_property_readonly("column_names",
                             [](const data::Table& t) {
                               std::vector<std::string> names;
                               for (const auto& c : t.columns) names.push_back(c.name);
                               return names;
                             })
      .def("column", [](const data::Table& t, const std::string& name) { return t.column(name).values; });
  m.def("table_from_columns", &table_from_columns, py::arg("source"), py::arg("names"), py::arg("columns"));

  py::class_<tasks::CreditFit>(m, "CreditFit")
      .def_property_readonly("model", [](const tasks::CreditFit& f) { return f.model; })
      .def_property_readonly("history", [](const tasks::CreditFit& f) { return history_dict(f.history); })
      .def_property_readonly(
          "chosen_epochs", [](const tasks::CreditFit& f) { return f.chosen_epochs; },
          "the epoch count the default early stopping chose (0: [fit] epochs as given)");

  py::class_<tabular::TabularModel>(m, "TabularModel")
      .def_static(
          "load", [](const std::string& path) { return tabular::TabularModel::load(path); }, py::arg("path"))
      .def("save", &tabular::TabularModel::save, py::arg("path"))
      .def_property_readonly("threshold", &tabular::TabularModel::threshold)
      .def_property_readonly("calibration", &tabular::TabularModel::calibration)
      .def_property_readonly("model", [](const tabular::TabularModel& t) { return t.model_ptr(); })
      .def_property_readonly("columns",
                             [](const tabular::TabularModel& t) {
                               std::vector<std::string> names;
                               for (const auto& c : t.preprocessor().columns()) names.push_back(c.name);
                               return names;
                             })
      .def("points", &tabular::TabularModel::points, py::arg("probability"))
      .def("read_rows", &tabular::TabularModel::read_rows, py::arg("path"))
      .def(
          "predict_proba",
          [](const tabular::TabularModel& t, const data::Table& rows) {
            std::vector<double> p;
            {
              py::gil_scoped_release release;
              p = t.predict_proba(rows);
            }
            return py::array_t<double>(static_cast<py::ssize_t>(p.size()), p.data());
          },
          py::arg("rows"))
      .def(
          "explain",
          [](const tabular::TabularModel& t, const data::Table& rows, int max_reasons) {
            std::vector<tabular::RowExplanation> explained;
            {
              py::gil_scoped_release release;
              explained = t.explain(rows, {.max_reasons = max_reasons});
            }
            py::list out;
            for (const auto& e : explained) out.append(explanation_dict(t, e));
            return out;
          },
          py::arg("rows"), py::arg("max_reasons") = 4);

  py::class_<tasks::CreditTask>(m, "CreditTask")
      .def(py::init([](const tasks::JobSpec& job, std::optional<data::Table> table) {
             return table ? tasks::CreditTask(job, std::move(*table)) : tasks::CreditTask(job);
           }),
           py::arg("job"), py::arg("table") = py::none())
      .def("read_table", &tasks::CreditTask::read_table)
      .def("split",
           [](const tasks::CreditTask& t, uint64_t seed) {
             tasks::CreditSplit s = t.split(seed);
             return py::make_tuple(std::move(s.train), std::move(s.test));
           })
      .def(
          "fit",
          [](const tasks::CreditTask& t, const data::Table& train, uint64_t seed, int verbose) {
            py::gil_scoped_release release;
            set_random_seed(seed);
            nn::clear_session();
            return t.fit(train, seed, verbose);
          },
          py::arg("train"), py::arg("seed"), py::arg("verbose") = 0)
      .def(
          "evaluate",
          [](const tasks::CreditTask& t, const tabular::TabularModel& model, const data::Table& rows) {
            std::map<std::string, double> out;
            {
              py::gil_scoped_release release;
              out = t.evaluate(model, rows);
            }
            return metrics_dict(out);
          },
          py::arg("model"), py::arg("rows"))
      .def(
          "fairness",
          [](const tasks::CreditTask& t, const tabular::TabularModel& model, const data::Table& rows, uint64_t seed) {
            std::vector<tasks::AttributeFairness> tables;
            {
              py::gil_scoped_release release;
              tables = t.fairness(model, rows, seed);
            }
            py::list out;
            for (const auto& f : tables) out.append(from_json(tasks::to_json(f)));
            return out;
          },
          py::arg("model"), py::arg("rows"), py::arg("seed"))
      .def(
          "cross_validate",
          [](const tasks::CreditTask& t, int folds, uint64_t seed, py::object progress) {
            tasks::CreditCvResult r;
            const tasks::Progress report = python_progress(std::move(progress));  // made under the GIL
            {
              py::gil_scoped_release release;
              r = t.cross_validate(folds, seed, report);
            }
            py::list per_fold;
            for (const auto& f : r.folds) per_fold.append(metrics_dict(f));
            py::dict fairness;
            for (const auto& [attribute, groups] : r.fairness)
              for (const auto& [group, by_metric] : groups)
                for (const auto& [metric, ms] : by_metric) {
                  if (!fairness.contains(attribute)) fairness[py::str(attribute)] = py::dict();
                  py::dict a = fairness[py::str(attribute)];
                  if (!a.contains(group)) a[py::str(group)] = py::dict();
                  py::dict g = a[py::str(group)];
                  g[py::str(metric)] = py::make_tuple(ms.mean, ms.std);
                }
            py::dict summary;
            for (const auto& [k, v] : r.summary) summary[py::str(k)] = py::make_tuple(v.mean, v.std);
            return py::dict(py::arg("folds") = per_fold, py::arg("summary") = summary, py::arg("epochs") = r.epochs,
                            py::arg("fairness") = fairness);
          },
          py::arg("folds"), py::arg("seed"), py::arg("progress") = py::none())
      .def(
          "write_report",
          [](const tasks::CreditTask& t, const std::string& dir, int folds, int64_t explain_rows, uint64_t seed,
             py::object progress) {
            const tasks::Progress report = python_progress(std::move(progress));  // made under the GIL
            py::gil_scoped_release release;
            set_random_seed(seed);
            nn::clear_session();
            return t.write_report({.dir = dir, .folds = folds, .explain_rows = explain_rows}, seed, report);
          },
          py::arg("dir"), py::arg("folds"), py::arg("explain_rows"), py::arg("seed"), py::arg("progress") = py::none());
}

}  // namespace deepfin::python
