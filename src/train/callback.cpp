#include "deepfin/train/callback.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::train {

TrainingModel& Callback::require_model(const char* who) const {
  if (model_ == nullptr) throw ValueError(fmt::format("{}: no model set (call set_model before training)", who));
  return *model_;
}

void CallbackList::set_model(TrainingModel* model) {
  for (auto& c : callbacks_) c->set_model(model);
}
void CallbackList::set_params(const TrainParams& params) {
  for (auto& c : callbacks_) c->set_params(params);
}
void CallbackList::on_train_begin(const Logs& logs) {
  for (auto& c : callbacks_) c->on_train_begin(logs);
}
void CallbackList::on_train_end(const Logs& logs) {
  for (auto& c : callbacks_) c->on_train_end(logs);
}
void CallbackList::on_epoch_begin(int epoch, const Logs& logs) {
  for (auto& c : callbacks_) c->on_epoch_begin(epoch, logs);
}
void CallbackList::on_epoch_end(int epoch, Logs& logs) {
  for (auto& c : callbacks_) c->on_epoch_end(epoch, logs);
}
void CallbackList::on_train_batch_begin(int64_t batch, const Logs& logs) {
  for (auto& c : callbacks_) c->on_train_batch_begin(batch, logs);
}
void CallbackList::on_train_batch_end(int64_t batch, const Logs& logs) {
  for (auto& c : callbacks_) c->on_train_batch_end(batch, logs);
}

void History::on_epoch_end(int e, Logs& logs) {
  epoch.push_back(e);
  for (const auto& [key, value] : logs) history[key].push_back(value);
}

}  // namespace deepfin::train
