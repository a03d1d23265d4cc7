// The C++ callbacks (early stopping, learning-rate control, checkpoints, CSV logs,
// NaN guard) made from Python keyword arguments, and the bridge for callbacks
// written in Python.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"
#include "deepfin/train/lr_callbacks.h"
#include "deepfin/train/model_checkpoint.h"
#include "python_callback.h"

namespace py = pybind11;

namespace deepfin::python {
namespace {

// A schedule written in Python, called under the GIL from the training thread.
train::LearningRateScheduler::Schedule python_schedule(py::function f) {
  auto holder = held_under_gil(std::move(f));
  return [holder](int epoch, double lr) {
    py::gil_scoped_acquire gil;
    return (*holder)(epoch, lr).cast<double>();
  };
}

}  // namespace

void bind_callbacks(py::module_& m) {
  py::class_<train::Callback, std::shared_ptr<train::Callback>>(m, "CallbackHandle");
  m.def(
      "python_callback",
      [](py::object target) -> std::shared_ptr<train::Callback> {
        return std::make_shared<PythonCallback>(std::move(target));
      },
      py::arg("target"));
  m.def("early_stopping",
        [](std::string monitor, double min_delta, int patience, int verbose, std::string mode,
           std::optional<double> baseline, bool restore_best_weights,
           int start_from_epoch) -> std::shared_ptr<train::Callback> {
          return std::make_shared<train::EarlyStopping>(train::EarlyStoppingOptions{
              .monitor = std::move(monitor),
              .min_delta = min_delta,
              .patience = patience,
              .verbose = verbose,
              .mode = std::move(mode),
              .baseline = baseline,
              .restore_best_weights = restore_best_weights,
              .start_from_epoch = start_from_epoch,
          });
        });
  m.def("reduce_lr_on_plateau",
        [](std::string monitor, double factor, int patience, int verbose, std::string mode, double min_delta,
           int cooldown, double min_lr) -> std::shared_ptr<train::Callback> {
          return std::make_shared<train::ReduceLROnPlateau>(train::ReduceLROnPlateauOptions{
              .monitor = std::move(monitor),
              .factor = factor,
              .patience = patience,
              .verbose = verbose,
              .mode = std::move(mode),
              .min_delta = min_delta,
              .cooldown = cooldown,
              .min_lr = min_lr,
          });
        });
  m.def("model_checkpoint",
        [](std::string filepath, std::string monitor, int verbose, bool save_best_only, std::string mode,
           std::optional<double> initial_value_threshold) -> std::shared_ptr<train::Callback> {
          return std::make_shared<train::ModelCheckpoint>(std::move(filepath),
                                                          train::ModelCheckpointOptions{
                                                              .monitor = std::move(monitor),
                                                              .verbose = verbose,
                                                              .save_best_only = save_best_only,
                                                              .mode = std::move(mode),
                                                              .initial_value_threshold = initial_value_threshold,
                                                          });
        });
  m.def("csv_logger", [](std::string filename, std::string separator, bool append) -> std::shared_ptr<train::Callback> {
    if (separator.size() != 1)
      throw py::value_error("CSVLogger: separator must be one character, got '" + separator + "'");
    return std::make_shared<train::CSVLogger>(std::move(filename), separator[0], append);
  });
  m.def("terminate_on_nan", &python_terminate_on_nan);
  m.def("learning_rate_scheduler", [](py::function schedule, int verbose) -> std::shared_ptr<train::Callback> {
    return std::make_shared<train::LearningRateScheduler>(python_schedule(std::move(schedule)), verbose);
  });
}

}  // namespace deepfin::python
