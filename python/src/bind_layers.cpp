// Layers: built by the C++ registry from {class_name, config}, the same path job
// files and saved models take, so every layer the engine has is reachable from
// Python and every option is checked by the layer itself.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "array_bridge.h"
#include "bindings.h"
#include "deepfin/core/tensor.h"
#include "deepfin/nn/layer.h"
#include "deepfin/nn/registry.h"
#include "json_bridge.h"

namespace py = pybind11;

namespace deepfin::python {

void bind_layers(py::module_& m) {
  py::class_<nn::Layer, std::shared_ptr<nn::Layer>>(m, "Layer")
      .def_property_readonly("name", &nn::Layer::name)
      .def_property_readonly("class_name", &nn::Layer::class_name)
      .def_property_readonly("built", &nn::Layer::built)
      .def_property_readonly("trainable", &nn::Layer::trainable)
      .def_property_readonly("input_shape", [](const nn::Layer& l) { return py::tuple(py::cast(l.input_shape())); })
      .def_property_readonly("output_shape", [](const nn::Layer& l) { return py::tuple(py::cast(l.output_shape())); })
      .def("get_config", [](const nn::Layer& l) { return from_json(l.get_config()); })
      .def("count_params", &nn::Layer::count_params)
      .def("weight_names",
           [](const nn::Layer& l) {
             std::vector<std::string> names;
             for (const auto& w : l.weights()) names.push_back(w.name);
             return names;
           })
      .def("get_weights",
           [](const nn::Layer& l) {
             py::list out;
             for (const auto& w : l.weights()) out.append(array_from_tensor(w.value.detach().clone()));
             return out;
           })
      .def("set_weights",
           [](nn::Layer& l, const py::sequence& values) {
             auto& weights = l.weights();
             if (static_cast<size_t>(py::len(values)) != weights.size())
               throw py::value_error(fmt::format("layer '{}': set_weights got {} arrays, the layer has {} weights",
                                                 l.name(), py::len(values), weights.size()));
             // Every shape is checked before any weight changes: a bad list leaves the layer as it was.
             std::vector<Tensor> given;
             for (size_t i = 0; i < weights.size(); ++i) {
               Tensor value =
                   tensor_from_array(values[i], fmt::format("layer '{}' weight {}", l.name(), i), ArrayRole::weights);
               if (value.shape() != weights[i].value.shape())
                 throw py::value_error(fmt::format("layer '{}': weight '{}' has shape {}, got {}", l.name(),
                                                   weights[i].name, shape_str(weights[i].value.shape()),
                                                   shape_str(value.shape())));
               given.push_back(value.to(weights[i].value.dtype()).contiguous());
             }
             for (size_t i = 0; i < weights.size(); ++i) {
               Tensor& target = weights[i].value;
               std::memcpy(target.raw_data(), given[i].raw_data(),
                           static_cast<size_t>(target.numel()) * dtype_size(target.dtype()));
             }
           })
      .def(
          "__call__",
          [](nn::Layer& l, py::handle x, bool training) {
            Tensor input = tensor_from_array(x, fmt::format("layer '{}' input", l.name()), ArrayRole::model_input);
            // Token ids travel as float32 through the layers, as Model's inputs do; beyond 2^24
            // a float32 no longer holds every integer.
            if (input.dtype() == DType::int64) {
              constexpr int64_t kExact = int64_t{1} << 24;
              for (const int64_t v : input.to_vector<int64_t>())
                if (v > kExact || v < -kExact)
                  throw py::value_error(fmt::format(
                      "layer '{}': the integer input {} is too large to pass exactly (|value| <= 2^24)", l.name(), v));
              input = input.to(DType::float32);
            }
            Tensor out;
            {
              py::gil_scoped_release release;
              out = l.call(input.contiguous(), training).detach();
            }
            return array_from_tensor(out);
          },
          py::arg("x"), py::arg("training") = false);
  m.def(
      "layer_from_config", [](py::handle serialized) { return nn::layer_from_config(to_json(serialized, "layer")); },
      py::arg("serialized"));
  m.def("registered_layers", &nn::registered_layers);
}

}  // namespace deepfin::python
