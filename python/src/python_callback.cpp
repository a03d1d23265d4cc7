#include "python_callback.h"

#include "deepfin/train/progbar.h"
#include "deepfin/train/terminate_on_nan.h"

namespace py = pybind11;

namespace deepfin::python {

py::dict logs_to_dict(const train::Logs& logs) {
  py::dict out;
  for (const auto& [key, value] : logs) out[py::str(key)] = value;
  return out;
}

std::shared_ptr<py::object> held_under_gil(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

PythonCallback::PythonCallback(py::object target) : target_(std::move(target)) {
  train_begin_ = overrides("on_train_begin");
  train_end_ = overrides("on_train_end");
  epoch_begin_ = overrides("on_epoch_begin");
  epoch_end_ = overrides("on_epoch_end");
  batch_begin_ = overrides("on_train_batch_begin") || overrides("on_batch_begin");
  batch_end_ = overrides("on_train_batch_end") || overrides("on_batch_end");
}

PythonCallback::~PythonCallback() {
  py::gil_scoped_acquire gil;
  target_ = py::object();
}

// True when the target's class defines `hook` itself rather than inheriting the
// no-op of deepfin.callbacks.Callback.
bool PythonCallback::overrides(const char* hook) const {
  const py::module_ callbacks = py::module_::import("deepfin.callbacks");
  const py::object base = callbacks.attr("Callback").attr(hook);
  const py::object mine = py::type::of(target_).attr(hook);
  return !mine.is(base);
}

py::object PythonCallback::call(const char* hook, py::object first, const train::Logs& logs) {
  return target_.attr(hook)(first, logs_to_dict(logs));
}

void PythonCallback::on_train_begin(const train::Logs& logs) {
  if (!train_begin_) return;
  py::gil_scoped_acquire gil;
  target_.attr("on_train_begin")(logs_to_dict(logs));
}

void PythonCallback::on_train_end(const train::Logs& logs) {
  if (!train_end_) return;
  py::gil_scoped_acquire gil;
  target_.attr("on_train_end")(logs_to_dict(logs));
}

void PythonCallback::on_epoch_begin(int epoch, const train::Logs& logs) {
  if (!epoch_begin_) return;
  py::gil_scoped_acquire gil;
  call("on_epoch_begin", py::int_(epoch), logs);
}

// Keys the callback adds to the dict (Keras callbacks may write logs) reach the
// callbacks after it and the History.
void PythonCallback::on_epoch_end(int epoch, train::Logs& logs) {
  if (!epoch_end_) return;
  py::gil_scoped_acquire gil;
  py::dict d = logs_to_dict(logs);
  target_.attr("on_epoch_end")(epoch, d);
  for (auto [key, value] : d) {
    if (!py::isinstance<py::str>(key)) continue;
    try {
      logs[key.cast<std::string>()] = value.cast<double>();
    } catch (const py::cast_error&) {
      // Not a number: Keras logs may hold other values; deepfin's are numbers only.
    }
  }
}

void PythonCallback::on_train_batch_begin(int64_t batch, const train::Logs& logs) {
  if (!batch_begin_) return;
  py::gil_scoped_acquire gil;
  call("on_train_batch_begin", py::int_(batch), logs);
}

void PythonCallback::on_train_batch_end(int64_t batch, const train::Logs& logs) {
  if (!batch_end_) return;
  py::gil_scoped_acquire gil;
  call("on_train_batch_end", py::int_(batch), logs);
}

void InterruptCheck::on_train_batch_end(int64_t, const train::Logs&) {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

PythonStdoutBuf::int_type PythonStdoutBuf::overflow(int_type c) {
  if (c != traits_type::eof()) pending_.push_back(static_cast<char>(c));
  return traits_type::not_eof(c);
}

std::streamsize PythonStdoutBuf::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<size_t>(n));
  return n;
}

int PythonStdoutBuf::sync() {
  if (pending_.empty()) return 0;
  py::gil_scoped_acquire gil;
  const py::object out = py::module_::import("sys").attr("stdout");
  if (!out.is_none()) {
    out.attr("write")(py::str(pending_));
    out.attr("flush")();
  }
  pending_.clear();
  return 0;
}

namespace {

// The bar owns its stream: the callback may outlive the fit() call that made it.
class OwnedProgressBar final : public train::Callback {
 public:
  explicit OwnedProgressBar(bool live) : stream_(&buf_), bar_(stream_, live) {}
  void on_train_begin(const train::Logs& logs) override {
    forward();
    bar_.on_train_begin(logs);
  }
  void on_epoch_begin(int epoch, const train::Logs& logs) override { bar_.on_epoch_begin(epoch, logs); }
  void on_train_batch_end(int64_t batch, const train::Logs& logs) override { bar_.on_train_batch_end(batch, logs); }
  void on_epoch_end(int epoch, train::Logs& logs) override {
    bar_.on_epoch_end(epoch, logs);
    stream_.flush();
  }
  void on_train_end(const train::Logs&) override { stream_.flush(); }

 private:
  void forward() {
    bar_.set_model(model());
    bar_.set_params(params());
  }
  PythonStdoutBuf buf_;
  std::ostream stream_;
  train::ProgbarLogger bar_;
};

// TerminateOnNaN with its own stream on sys.stdout.
class OwnedTerminateOnNaN final : public train::Callback {
 public:
  OwnedTerminateOnNaN() : stream_(&buf_), guard_(stream_) {}
  void on_train_begin(const train::Logs&) override {
    guard_.set_model(model());
    guard_.set_params(params());
  }
  void on_train_batch_end(int64_t batch, const train::Logs& logs) override {
    guard_.on_train_batch_end(batch, logs);
    stream_.flush();
  }

 private:
  PythonStdoutBuf buf_;
  std::ostream stream_;
  train::TerminateOnNaN guard_;
};

}  // namespace

std::shared_ptr<train::Callback> python_progress_bar(bool live) {
  return std::make_shared<OwnedProgressBar>(live);
}

std::shared_ptr<train::Callback> python_terminate_on_nan() {
  return std::make_shared<OwnedTerminateOnNaN>();
}

}  // namespace deepfin::python
