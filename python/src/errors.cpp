// deepfin's C++ errors as the Python exceptions a Python user expects, with their
// messages kept: a bad shape or value is a ValueError, a wrong element type a
// TypeError, a missing file FileNotFoundError, and so on (docs/python.md lists them).
#include <pybind11/pybind11.h>

#include <cerrno>
#include <filesystem>
#include <new>

#include "bindings.h"
#include "deepfin/base/error.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

PyObject* os_error_for(int code) {
  switch (code) {
    case ENOENT:
      return PyExc_FileNotFoundError;
    case EACCES:
    case EPERM:
      return PyExc_PermissionError;
    case EISDIR:
      return PyExc_IsADirectoryError;
    case ENOTDIR:
      return PyExc_NotADirectoryError;
    case EEXIST:
      return PyExc_FileExistsError;
    default:
      return PyExc_OSError;
  }
}

// OSError(errno, message) so that e.errno is set as Python's own file errors set it.
void raise_os_error(int code, const char* what) {
  PyObject* type = os_error_for(code);
  py::object error = py::reinterpret_borrow<py::object>(type)(code, what);
  PyErr_SetObject(type, error.ptr());
}

}  // namespace

void bind_errors(py::module_& m) {
  // Errors of no narrower kind (deepfin::Error itself) are deepfin.DeepfinError, a RuntimeError.
  static py::exception<Error> base(m, "DeepfinError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ShapeError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const DTypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ConfigError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const NotFoundError& e) {
      raise_os_error(ENOENT, e.what());
    } catch (const FileError& e) {
      if (e.error_code() != 0) {
        raise_os_error(e.error_code(), e.what());
      } else {
        PyErr_SetString(PyExc_ValueError, e.what());  // a file whose contents are malformed
      }
    } catch (const Error& e) {
      base(e.what());
    } catch (const std::filesystem::filesystem_error& e) {
      raise_os_error(e.code().value(), e.what());
    }
  });
}

}  // namespace deepfin::python
