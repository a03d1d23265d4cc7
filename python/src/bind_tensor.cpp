// deepfin.Tensor: a C++ Tensor seen from Python. It takes any array-like (sharing
// the memory of float32, float64 and int64 arrays), gives its memory to numpy
// through the buffer protocol and __array__, and never copies on the way unless
// the element type must change.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>

#include "array_bridge.h"
#include "bindings.h"
#include "deepfin/core/tensor.h"

namespace py = pybind11;

namespace deepfin::python {

void bind_tensor(py::module_& m) {
  py::class_<Tensor>(m, "Tensor", py::buffer_protocol(), R"doc(
A deepfin tensor: typed, strided memory shared with numpy.

Tensor(array) views the array's memory when its element type is float32,
float64 or int64 (other numbers are converted, which copies). np.asarray(t),
np.array(t, copy=False) and memoryview(t) see the tensor's own memory: writes
through them are visible on both sides, and either side keeps the memory alive.
)doc")
      .def(py::init([](py::handle array) { return tensor_from_array(array, "Tensor(array)"); }), py::arg("array"))
      .def_property_readonly(
          "shape", [](const Tensor& t) { return py::tuple(py::cast(t.shape())); }, "The shape, as a tuple.")
      .def_property_readonly(
          "dtype", [](const Tensor& t) { return std::string(dtype_name(t.dtype())); },
          "'float32', 'float64' or 'int64'.")
      .def_property_readonly("ndim", &Tensor::dim, "The number of axes.")
      .def("numpy", &array_from_tensor, "A numpy array sharing this tensor's memory.")
      .def(
          "__array__",
          [](const Tensor& t, py::object dtype, py::object copy) {
            py::array a = array_from_tensor(t);
            const bool must_copy = !copy.is_none() && copy.cast<bool>();
            if (dtype.is_none() && !must_copy) return a;
            return py::array(
                a.attr("astype")(dtype.is_none() ? py::object(a.dtype()) : dtype, py::arg("copy") = must_copy));
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__len__",
           [](const Tensor& t) {
             if (t.dim() == 0) throw py::type_error("len() of a 0-d tensor");
             return t.size(0);
           })
      .def("__repr__",
           [](const Tensor& t) {
             std::ostringstream s;
             s << "deepfin.Tensor(shape=" << shape_str(t.shape()) << ", dtype=" << dtype_name(t.dtype()) << ")\n"
               << py::str(array_from_tensor(t)).cast<std::string>();
             return s.str();
           })
      .def_buffer([](Tensor& t) -> py::buffer_info {
        const auto itemsize = static_cast<py::ssize_t>(dtype_size(t.dtype()));
        std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end()), strides;
        for (int64_t s : t.strides()) strides.push_back(static_cast<py::ssize_t>(s) * itemsize);
        const std::string format = t.dtype() == DType::float32   ? py::format_descriptor<float>::format()
                                   : t.dtype() == DType::float64 ? py::format_descriptor<double>::format()
                                                                 : py::format_descriptor<int64_t>::format();
        return py::buffer_info(t.raw_data(), itemsize, format, t.dim(), shape, strides);
      });
}

}  // namespace deepfin::python
