// Optimizers, losses and metrics: made by the C++ registries from a name or a
// {class_name, config}, as compile() and job files name them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "array_bridge.h"
#include "bindings.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/registry.h"
#include "deepfin/optim/registry.h"
#include "deepfin/optim/schedules.h"
#include "json_bridge.h"

namespace py = pybind11;

namespace deepfin::python {

void bind_configurables(py::module_& m) {
  py::class_<optim::LearningRateSchedule, std::shared_ptr<optim::LearningRateSchedule>>(m, "LearningRateSchedule")
      .def_property_readonly("class_name", &optim::LearningRateSchedule::class_name)
      .def("get_config", [](const optim::LearningRateSchedule& s) { return from_json(s.get_config()); })
      .def(
          "__call__", [](const optim::LearningRateSchedule& s, int64_t step) { return s(step); }, py::arg("step"));
  m.def(
      "schedule_from_config",
      [](py::handle spec) { return optim::schedule_from_config(to_json(spec, "learning_rate schedule")); },
      py::arg("spec"));

  py::class_<optim::Optimizer, std::shared_ptr<optim::Optimizer>>(m, "Optimizer")
      .def_property_readonly("class_name", &optim::Optimizer::class_name)
      .def_property("learning_rate", &optim::Optimizer::learning_rate, &optim::Optimizer::set_learning_rate)
      .def_property_readonly("iterations", &optim::Optimizer::iterations)
      .def("get_config", [](const optim::Optimizer& o) { return from_json(o.get_config()); });
  m.def(
      "optimizer_from_config", [](py::handle spec) { return optim::from_config(to_json(spec, "optimizer")); },
      py::arg("spec"));

  py::class_<losses::Loss, std::shared_ptr<losses::Loss>>(m, "Loss")
      .def_property_readonly("name", &losses::Loss::name)
      .def_property_readonly("class_name", &losses::Loss::class_name)
      .def("get_config", [](const losses::Loss& l) { return from_json(l.get_config()); })
      .def(
          "__call__",
          [](const losses::Loss& l, py::handle y_true, py::handle y_pred, py::handle sample_weight) {
            const Tensor t = tensor_from_array(y_true, "y_true", ArrayRole::target);
            const Tensor p = tensor_from_array(y_pred, "y_pred", ArrayRole::weights);
            Tensor w;
            if (!sample_weight.is_none()) w = tensor_from_array(sample_weight, "sample_weight", ArrayRole::weights);
            return l(t, p, w).detach().item();
          },
          py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight") = py::none());
  m.def(
      "loss_from_config", [](py::handle spec) { return losses::from_config(to_json(spec, "loss")); }, py::arg("spec"));

  py::class_<metrics::Metric, std::shared_ptr<metrics::Metric>>(m, "Metric")
      .def_property_readonly("name", &metrics::Metric::name)
      .def(
          "update_state",
          [](metrics::Metric& metric, py::handle y_true, py::handle y_pred, py::handle sample_weight) {
            const Tensor t = tensor_from_array(y_true, "y_true", ArrayRole::target);
            const Tensor p = tensor_from_array(y_pred, "y_pred", ArrayRole::weights);
            Tensor w;
            if (!sample_weight.is_none()) w = tensor_from_array(sample_weight, "sample_weight", ArrayRole::weights);
            metric.update_state(t.contiguous(), p.contiguous(), w.defined() ? w.contiguous() : w);
          },
          py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight") = py::none())
      .def("result", &metrics::Metric::result)
      .def("reset_state", &metrics::Metric::reset_state);
  m.def(
      "metric", [](const std::string& name, const std::string& loss) { return metrics::get(name, loss); },
      py::arg("name"), py::arg("loss") = "");
}

}  // namespace deepfin::python
