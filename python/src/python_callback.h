#pragma once
// The C++ side of Python callbacks, the Ctrl-C check and the progress bar. fit()
// runs without the GIL; each of these takes it only for the moment it needs
// Python, and an exception raised in Python leaves fit() at once, as in Keras.
#include <pybind11/pybind11.h>

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

#include "deepfin/train/callback.h"

namespace deepfin::python {

// Calls the Keras hooks a deepfin.callbacks.Callback subclass overrides (and only
// those, so an unused hook costs nothing per batch).
class PythonCallback final : public train::Callback {
 public:
  explicit PythonCallback(pybind11::object target);
  ~PythonCallback() override;
  void on_train_begin(const train::Logs& logs) override;
  void on_train_end(const train::Logs& logs) override;
  void on_epoch_begin(int epoch, const train::Logs& logs) override;
  void on_epoch_end(int epoch, train::Logs& logs) override;
  void on_train_batch_begin(int64_t batch, const train::Logs& logs) override;
  void on_train_batch_end(int64_t batch, const train::Logs& logs) override;

 private:
  bool overrides(const char* hook) const;
  pybind11::object call(const char* hook, pybind11::object first, const train::Logs& logs);
  pybind11::object target_;
  bool train_begin_, train_end_, epoch_begin_, epoch_end_, batch_begin_, batch_end_;
};

// Raises KeyboardInterrupt (or whatever a signal handler raises) between batches.
class InterruptCheck final : public train::Callback {
 public:
  void on_train_batch_end(int64_t batch, const train::Logs& logs) override;
};

// A streambuf that hands whole writes to sys.stdout at each flush, so the progress
// bar shows wherever Python's output goes (a terminal, a notebook, a redirected file).
class PythonStdoutBuf final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  std::string pending_;
};

// The Keras progress bar writing to sys.stdout; `live` redraws one line with \r.
std::shared_ptr<train::Callback> python_progress_bar(bool live);

// TerminateOnNaN announcing its stop on sys.stdout.
std::shared_ptr<train::Callback> python_terminate_on_nan();

pybind11::dict logs_to_dict(const train::Logs& logs);

// A Python object that C++ may hold and drop from any thread: the reference is released
// under the GIL. Take it while holding the GIL.
std::shared_ptr<pybind11::object> held_under_gil(pybind11::object object);

}  // namespace deepfin::python
