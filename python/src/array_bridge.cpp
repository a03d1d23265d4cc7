#include "array_bridge.h"

#include <fmt/format.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;

namespace deepfin::python {
namespace {

// The element types each role keeps as they are (in the machine's byte order:
// a big-endian '>f4' is converted, never read as if it were native).
bool shares_as(const py::dtype& dt, ArrayRole role, DType* out) {
  if (!dt.attr("isnative").cast<bool>()) return false;
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f' && size == 4) {
    *out = DType::float32;
    return true;
  }
  if (kind == 'i' && size == 8 && role != ArrayRole::weights) {
    *out = DType::int64;
    return true;
  }
  if (kind == 'f' && size == 8 && role == ArrayRole::any) {
    *out = DType::float64;
    return true;
  }
  return false;
}

// The type a role converts other numbers to: integers stay integers for targets
// (class ids) and model inputs (token ids); everything else becomes float32.
const char* converted_type(const py::dtype& dt, ArrayRole role) {
  const bool integral = dt.kind() == 'i' || dt.kind() == 'u' || dt.kind() == 'b';
  if (integral && dt.kind() != 'b' && (role == ArrayRole::target || role == ArrayRole::any)) return "int64";
  if (role == ArrayRole::model_input && integral && dt.kind() != 'u' && dt.kind() != 'b') return "int64";
  if (role == ArrayRole::any && dt.kind() == 'f' && dt.itemsize() > 4) return "float64";
  return "float32";
}

// Drops the reference to the array under the GIL; after the interpreter has
// finalized there is nothing left to release.
class ArrayOwner {
 public:
  explicit ArrayOwner(PyObject* object) : object(object) { Py_INCREF(object); }
  ArrayOwner(const ArrayOwner&) = delete;
  ArrayOwner& operator=(const ArrayOwner&) = delete;
  ~ArrayOwner() {
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;
    Py_DECREF(object);
  }

 private:
  PyObject* object;
};

Tensor view_of(const py::array& a, DType dtype) {
  const auto itemsize = static_cast<int64_t>(a.itemsize());
  Shape shape(static_cast<size_t>(a.ndim()));
  Strides strides(shape.size());
  int64_t span = a.size() > 0 ? itemsize : 0;
  for (py::ssize_t i = 0; i < a.ndim(); ++i) {
    shape[i] = a.shape(i);
    strides[i] = a.strides(i) / itemsize;
    if (a.size() > 0) span += (a.shape(i) - 1) * a.strides(i);
  }
  auto owner = std::make_shared<ArrayOwner>(a.ptr());
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(const_cast<void*>(a.data()), static_cast<size_t>(span), Device{},
                                            std::shared_ptr<void>(owner, owner.get()));
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

bool has_zero_stride(const py::array& a) {
  for (py::ssize_t i = 0; i < a.ndim(); ++i)
    if (a.strides(i) == 0 && a.shape(i) > 1) return true;
  return false;
}

// Strides a Tensor can hold: whole, non-negative elements, and an aligned start.
bool viewable(const py::array& a) {
  const auto itemsize = a.itemsize();
  if (reinterpret_cast<uintptr_t>(a.data()) % static_cast<uintptr_t>(itemsize) != 0) return false;
  for (py::ssize_t i = 0; i < a.ndim(); ++i)
    if (a.strides(i) < 0 || a.strides(i) % itemsize != 0) return false;
  return true;
}

}  // namespace

Tensor tensor_from_array(py::handle object, const std::string& what, ArrayRole role) {
  py::module_ np = py::module_::import("numpy");
  py::array a;
  if (py::isinstance<py::array>(object)) {
    a = py::reinterpret_borrow<py::array>(object);
  } else {
    try {
      a = np.attr("asarray")(object);
    } catch (py::error_already_set& e) {
      throw py::type_error(fmt::format("{}: cannot be read as an array of numbers ({})", what, e.what()));
    }
  }
  const py::dtype dt = a.dtype();
  const char kind = dt.kind();
  if (kind == 'O')
    throw py::type_error(
        fmt::format("{}: an array of Python objects (dtype object) cannot be read as numbers; convert it with "
                    "np.asarray(x, dtype=np.float32) after checking that every value is a number",
                    what));
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    throw py::type_error(fmt::format("{}: dtype {} is not numeric (float, int, uint or bool arrays are read)", what,
                                     py::str(py::handle(dt)).cast<std::string>()));
  if (kind == 'u' && dt.itemsize() == 8 && converted_type(dt, role) == std::string("int64") && a.size() > 0 &&
      a.attr("max")().cast<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    throw py::value_error(fmt::format("{}: uint64 values above 2^63 - 1 do not fit the int64 the engine reads", what));
  // A Tensor the user holds (role any) may be written through np.asarray(tensor): memory that
  // must not be written (read-only arrays, broadcast views whose elements alias) is copied.
  // The model entry points only read their inputs, so they share such memory as it is.
  const bool must_not_write = !a.writeable() || has_zero_stride(a);
  DType dtype{};
  if (shares_as(dt, role, &dtype) && !(role == ArrayRole::any && must_not_write)) {
    if (viewable(a)) return view_of(a, dtype);
  }
  // A fresh C-ordered, aligned copy, converted where the role needs another type (np.array
  // keeps 0-d arrays 0-d, and copies even an array that is already C-contiguous but misaligned).
  const char* type = shares_as(dt, role, &dtype) ? nullptr : converted_type(dt, role);
  py::array copy = type ? np.attr("array")(a, py::arg("dtype") = type, py::arg("order") = "C", py::arg("copy") = true)
                        : np.attr("array")(a, py::arg("order") = "C", py::arg("copy") = true);
  shares_as(copy.dtype(), ArrayRole::any, &dtype);
  return view_of(copy, dtype);
}

py::array array_from_tensor(const Tensor& tensor) {
  if (!tensor.defined()) throw py::value_error("array_from_tensor: the tensor is empty (undefined)");
  const Tensor t = tensor.detach();
  py::dtype dt = t.dtype() == DType::float32   ? py::dtype::of<float>()
                 : t.dtype() == DType::float64 ? py::dtype::of<double>()
                                               : py::dtype::of<int64_t>();
  const auto itemsize = static_cast<py::ssize_t>(dtype_size(t.dtype()));
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : t.strides()) strides.push_back(static_cast<py::ssize_t>(s) * itemsize);
  auto* keep = new Tensor(t);
  py::capsule base(keep, [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(dt, shape, strides, t.raw_data(), base);
}

}  // namespace deepfin::python
