// _deepfin: the compiled half of the Python package. The Python half (python/deepfin)
// gives it the Keras spellings, docstrings and signatures; everything that computes is here.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "deepfin/version.h"

PYBIND11_MODULE(_deepfin, m) {
  m.doc() = "deepfin's C++ engine (use the deepfin package, not this module)";
  m.attr("__version__") = DEEPFIN_VERSION;
  deepfin::python::bind_errors(m);
  deepfin::python::bind_tensor(m);
  deepfin::python::bind_runtime(m);
  deepfin::python::bind_layers(m);
  deepfin::python::bind_configurables(m);
  deepfin::python::bind_callbacks(m);
  deepfin::python::bind_model(m);
  deepfin::python::bind_credit(m);
  deepfin::python::bind_text(m);
  deepfin::python::bind_forecast(m);
  deepfin::python::bind_jobs(m);
}
