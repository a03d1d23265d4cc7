// Job files: parsed into JobSpecs (every key checked by the C++ parser), and run
// whole by the deepfin command's own code, in-process (deepfin.run).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "cli_app.h"
#include "deepfin/tasks/job_file.h"
#include "json_bridge.h"
#include "task_support.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

std::string job_kind(const tasks::JobSpec& job) {
  if (job.data.tabular()) return "credit";
  if (job.data.text()) return "text";
  if (job.data.series()) return "forecast";
  return "arrays";
}

}  // namespace

void bind_jobs(py::module_& m) {
  py::class_<tasks::JobSpec>(m, "JobSpec")
      .def_property_readonly("file", [](const tasks::JobSpec& j) { return j.file.string(); })
      .def_property_readonly("kind", &job_kind)
      .def_property_readonly("seed", [](const tasks::JobSpec& j) { return j.seed; })
      .def_property_readonly("model_path", [](const tasks::JobSpec& j) { return j.output.model; })
      .def_property_readonly("report_dir", &tasks::JobSpec::report_dir)
      .def_property_readonly("model_config", [](const tasks::JobSpec& j) { return from_json(j.model); });
  m.def("load_job_file", &tasks::load_job_file, py::arg("path"));
  m.def("parse_job", &tasks::parse_job, py::arg("toml_text"), py::arg("name"));

  m.def(
      "run_cli",
      [](std::vector<std::string> args, py::object on_event) {
        std::vector<const char*> argv = {"deepfin"};
        for (const auto& a : args) argv.push_back(a.c_str());
        cli::Embedding embedding;
        embedding.rethrow_errors = true;
        embedding.on_event = python_progress(std::move(on_event));  // made under the GIL
        py::gil_scoped_release release;
        return cli::run_cli(static_cast<int>(argv.size()), argv.data(), embedding);
      },
      py::arg("args"), py::arg("on_event") = py::none());
}

}  // namespace deepfin::python
