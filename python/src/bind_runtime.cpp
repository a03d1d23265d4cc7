// Process-wide settings: the seed, the thread count, and what the engine runs on.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "deepfin/base/threads.h"
#include "deepfin/core/backend_info.h"
#include "deepfin/core/random.h"

namespace py = pybind11;

namespace deepfin::python {

void bind_runtime(py::module_& m) {
  m.def("set_random_seed", &set_random_seed, py::arg("seed"),
        "Seeds initializers, shuffling and dropout: the same seed and data give the same weights.");
  m.def("set_num_threads", &set_num_threads, py::arg("n"), "Worker threads for the kernels (default: all cores).");
  m.def("get_num_threads", &get_num_threads, "Worker threads the kernels use.");
  m.def("gemm_provider", &gemm_provider_summary, "The matrix-multiply libraries in use.");
}

}  // namespace deepfin::python
