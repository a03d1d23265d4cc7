// Layers: built by the C++ registry from {class_name, config}, the same path job
// files and saved models take, so every layer the engine has is reachable from
// Python and every option is checked by the layer itself.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

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
             for (size_t i = 0; i < weights.size(); ++i) {
               Tensor value =
                   tensor_from_array(values[i], fmt::format("layer '{}' weight {}", l.name(), i), ArrayRole::weights);
               Tensor& target = weights[i].value;
               if (value.shape() != target.shape())
                 throw py::value_error(fmt::format("layer '{}': weight '{}' has shape {}, got {}", l.name(),
                                                   weights[i].name, shape_str(target.shape()),
                                                   shape_str(value.shape())));
               value = value.contiguous();
               std::copy_n(value.data<float>(), value.numel(), target.data<float>());
             }
           })
      .def(
          "__call__",
          [](nn::Layer& l, py::handle x, bool training) {
            Tensor input = tensor_from_array(x, fmt::format("layer '{}' input", l.name()), ArrayRole::model_input);
            // Token ids travel as float32 through the layers, as Model's inputs do.
            if (input.dtype() == DType::int64) input = input.to(DType::float32);
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
