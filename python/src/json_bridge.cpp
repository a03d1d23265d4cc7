#include "json_bridge.h"

#include <fmt/format.h>

namespace py = pybind11;

namespace deepfin::python {

nlohmann::json to_json(py::handle value, const std::string& where) {
  if (value.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value)) {
    int overflow = 0;
    const long long i = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow != 0)
      throw py::value_error(
          fmt::format("{}: the integer {} is out of range", where, py::str(value).cast<std::string>()));
    return static_cast<int64_t>(i);
  }
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::dict>(value)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto [k, v] : value.cast<py::dict>()) {
      if (!py::isinstance<py::str>(k))
        throw py::type_error(fmt::format("{}: keys must be strings, got {}", where, py::repr(k).cast<std::string>()));
      const std::string key = k.cast<std::string>();
      out[key] = to_json(v, where.empty() ? key : where + "." + key);
    }
    return out;
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json out = nlohmann::json::array();
    size_t i = 0;
    for (auto item : value) out.push_back(to_json(item, fmt::format("{}[{}]", where, i++)));
    return out;
  }
  // numpy scalars (np.float32(0.5), np.int64(3), np.bool_) and 0-d arrays.
  if (py::hasattr(value, "dtype") && py::hasattr(value, "item") && py::hasattr(value, "ndim") &&
      value.attr("ndim").cast<int>() == 0)
    return to_json(value.attr("item")(), where);
  // deepfin config objects (a layer, an optimizer, a schedule): their {class_name, config}.
  if (py::hasattr(value, "_serialize")) return to_json(value.attr("_serialize")(), where);
  throw py::type_error(fmt::format("{}: {} cannot be part of a configuration (numbers, strings, lists and dicts can)",
                                   where, py::repr(value).cast<std::string>()));
}

py::object from_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(value.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(value.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(value.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(value.get<std::string>());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : value) out.append(from_json(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [k, v] : value.items()) out[py::str(k)] = from_json(v);
      return out;
    }
    default:
      return py::none();
  }
}

}  // namespace deepfin::python
