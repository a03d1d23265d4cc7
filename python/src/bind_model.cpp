// Models: Sequential, compile / fit / evaluate / predict / save, and load_model.
// The numbers cross the border without copies (array_bridge.h), and the GIL is
// released while the engine works, so other Python threads keep running.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "array_bridge.h"
#include "bindings.h"
#include "deepfin/core/random.h"
#include "deepfin/losses/loss.h"
#include "deepfin/models/model.h"
#include "deepfin/models/sequential.h"
#include "deepfin/optim/registry.h"
#include "deepfin/tasks/job_file.h"
#include "json_bridge.h"
#include "python_callback.h"
#include "task_support.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

models::OptimizerSpec optimizer_spec(py::handle optimizer) {
  if (py::isinstance<optim::Optimizer>(optimizer)) return optimizer.cast<std::shared_ptr<optim::Optimizer>>();
  return optim::from_config(to_json(optimizer, "optimizer"));
}

models::LossSpec loss_spec(py::handle loss) {
  if (loss.is_none()) return {};
  if (py::isinstance<losses::Loss>(loss)) return loss.cast<std::shared_ptr<losses::Loss>>();
  return losses::from_config(to_json(loss, "loss"));
}

Tensor optional_weights(py::handle w, const char* what) {
  if (w.is_none()) return {};
  return tensor_from_array(w, what, ArrayRole::weights).contiguous();
}

// Inputs and targets, contiguous (the engine slices batches from contiguous rows).
Tensor model_input(py::handle x, const char* what) {
  return tensor_from_array(x, what, ArrayRole::model_input).contiguous();
}
Tensor target(py::handle y, const char* what) {
  return tensor_from_array(y, what, ArrayRole::target).contiguous();
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<models::Model, std::shared_ptr<models::Model>>(m, "Model")
      .def_property_readonly("name", &models::Model::name)
      .def_property_readonly("class_name", &models::Model::class_name)
      .def_property_readonly("built", &models::Model::built)
      .def_property_readonly("compiled", &models::Model::compiled)
      .def_property_readonly("input_shape",
                             [](const models::Model& mo) { return py::tuple(py::cast(mo.input_shape())); })
      .def_property_readonly("output_shape",
                             [](const models::Model& mo) { return py::tuple(py::cast(mo.output_shape())); })
      .def_property(
          "stop_training", [](const models::Model& mo) { return mo.stop_training; },
          [](models::Model& mo, bool v) { mo.stop_training = v; })
      .def_property_readonly("layers", &models::Model::layers)
      .def_property_readonly("optimizer", &models::Model::optimizer_ptr)
      .def_property_readonly("loss", &models::Model::loss)
      .def("get_config", [](const models::Model& mo) { return from_json(mo.get_config()); })
      .def("compile_config", [](const models::Model& mo) { return from_json(mo.compile_config()); })
      .def(
          "build", [](models::Model& mo, const Shape& shape) { mo.build(shape); }, py::arg("input_shape"))
      .def("summary", &models::Model::summary)
      .def("count_params", &models::Model::count_params)
      .def(
          "compile",
          [](models::Model& mo, py::handle optimizer, py::handle loss, std::vector<std::string> metrics) {
            mo.compile(
                {.optimizer = optimizer_spec(optimizer), .loss = loss_spec(loss), .metrics = std::move(metrics)});
          },
          py::arg("optimizer"), py::arg("loss"), py::arg("metrics"))
      .def(
          "fit",
          [](models::Model& mo, py::handle x, py::handle y, int epochs, int64_t batch_size, py::handle validation_data,
             double validation_split, bool shuffle, std::map<int64_t, double> class_weight, py::handle sample_weight,
             std::vector<std::shared_ptr<train::Callback>> callbacks, int verbose, bool live_progress,
             int initial_epoch, py::handle privacy) {
            models::FitOptions options{.epochs = epochs,
                                       .batch_size = batch_size,
                                       .validation_split = validation_split,
                                       .shuffle = shuffle,
                                       .class_weight = std::move(class_weight),
                                       .sample_weight = optional_weights(sample_weight, "sample_weight"),
                                       .callbacks = std::move(callbacks),
                                       .verbose = verbose,
                                       .initial_epoch = initial_epoch};
            if (!validation_data.is_none()) {
              const auto pair = validation_data.cast<py::sequence>();
              if (py::len(pair) != 2)
                throw py::value_error(
                    fmt::format("fit: validation_data must be a pair (x_val, y_val), got {} items (sample weights for "
                                "validation are not supported)",
                                py::len(pair)));
              options.validation_data = {
                  {model_input(pair[0], "validation_data x"), target(pair[1], "validation_data y")}};
            }
            if (!privacy.is_none())
              options.privacy = tasks::parse_privacy_spec(to_json(privacy, "privacy"),
                                                          default_generator().initial_seed(), "fit(privacy=...)");
            if (verbose > 0) options.progress = python_progress_bar(live_progress);
            options.callbacks.push_back(std::make_shared<InterruptCheck>());
            const Tensor xt = model_input(x, "x"), yt = target(y, "y");
            train::History history;
            {
              py::gil_scoped_release release;
              history = mo.fit(xt, yt, options);
            }
            return py::make_tuple(history_dict(history), history.epoch);
          },
          py::arg("x"), py::arg("y"), py::arg("epochs"), py::arg("batch_size"), py::arg("validation_data"),
          py::arg("validation_split"), py::arg("shuffle"), py::arg("class_weight"), py::arg("sample_weight"),
          py::arg("callbacks"), py::arg("verbose"), py::arg("live_progress"), py::arg("initial_epoch"),
          py::arg("privacy"))
      .def(
          "evaluate",
          [](models::Model& mo, py::handle x, py::handle y, int64_t batch_size, py::handle sample_weight) {
            const Tensor xt = model_input(x, "x"), yt = target(y, "y");
            const Tensor w = optional_weights(sample_weight, "sample_weight");
            train::Logs logs;
            {
              py::gil_scoped_release release;
              logs = mo.evaluate(xt, yt, batch_size, w);
            }
            return logs_to_dict(logs);
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("sample_weight"))
      .def(
          "predict",
          [](models::Model& mo, py::handle x, int64_t batch_size) {
            const Tensor xt = model_input(x, "x");
            Tensor out;
            {
              py::gil_scoped_release release;
              out = mo.predict(xt, batch_size);
            }
            return array_from_tensor(out);
          },
          py::arg("x"), py::arg("batch_size"))
      .def(
          "call",
          [](models::Model& mo, py::handle x, bool training) {
            const Tensor xt = model_input(x, "x");
            Tensor out;
            {
              py::gil_scoped_release release;
              out = mo.call(xt, training).detach();
            }
            return array_from_tensor(out);
          },
          py::arg("x"), py::arg("training") = false)
      .def("get_weights",
           [](const models::Model& mo) {
             py::list out;
             for (const Tensor& w : mo.get_weights()) out.append(array_from_tensor(w));
             return out;
           })
      .def("set_weights",
           [](models::Model& mo, const py::sequence& values) {
             std::vector<Tensor> weights;
             for (size_t i = 0; i < static_cast<size_t>(py::len(values)); ++i)
               weights.push_back(tensor_from_array(values[i], fmt::format("weights[{}]", i), ArrayRole::weights));
             mo.set_weights(weights);
           })
      .def(
          "save",
          [](const models::Model& mo, const std::string& path) {
            py::gil_scoped_release release;
            mo.save(path);
          },
          py::arg("path"))
      .def("attachment", [](const models::Model& mo, const std::string& key) { return from_json(mo.attachment(key)); });

  py::class_<models::Sequential, models::Model, std::shared_ptr<models::Sequential>>(m, "Sequential")
      .def(py::init([](std::vector<std::shared_ptr<nn::Layer>> layers, std::string name) {
             return std::make_shared<models::Sequential>(std::move(layers), std::move(name));
           }),
           py::arg("layers"), py::arg("name") = "")
      .def("add", &models::Sequential::add, py::arg("layer"));

  m.def(
      "load_model",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return models::load_model(path);
      },
      py::arg("path"));
}

}  // namespace deepfin::python
