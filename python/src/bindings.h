#pragma once
// The parts of the _deepfin extension module, one file each; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace deepfin::python {

void bind_errors(pybind11::module_& m);
void bind_tensor(pybind11::module_& m);
void bind_runtime(pybind11::module_& m);
void bind_layers(pybind11::module_& m);
void bind_configurables(pybind11::module_& m);
void bind_callbacks(pybind11::module_& m);
void bind_model(pybind11::module_& m);
void bind_credit(pybind11::module_& m);
void bind_text(pybind11::module_& m);
void bind_forecast(pybind11::module_& m);
void bind_jobs(pybind11::module_& m);

}  // namespace deepfin::python
