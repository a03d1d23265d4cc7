#pragma once
// Python objects <-> nlohmann::json. Layer, optimizer, loss and job configs cross
// the border as JSON, so that the C++ registries check every key as they do for
// job files. Tuples become lists; numpy scalars become numbers.
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::python {

// TypeError naming `where` for values JSON cannot hold (a function, an object).
nlohmann::json to_json(pybind11::handle value, const std::string& where);
pybind11::object from_json(const nlohmann::json& value);

}  // namespace deepfin::python
