// What each stateful callback carries across a checkpoint, so that a run killed
// and resumed logs, stops and saves exactly as the run that was never stopped.
#include <fmt/format.h>
#include <sys/stat.h>

#include "deepfin/base/error.h"
#include "deepfin/train/checkpoint.h"
#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"
#include "deepfin/train/lr_callbacks.h"
#include "deepfin/train/model_checkpoint.h"

namespace deepfin::train {
namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::optional<double> read_optional(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return checkpoint_number(value);
}

}  // namespace

nlohmann::json History::checkpoint_state() const {
  return {{"epoch", epoch}, {"history", history}};
}

void History::restore_state(const nlohmann::json& state) {
  epoch = state.at("epoch").get<std::vector<int>>();
  history.clear();
  for (const auto& [key, values] : state.at("history").items()) history[key] = checkpoint_numbers(values);
}

nlohmann::json EarlyStopping::checkpoint_state() const {
  return {{"wait", wait_},
          {"stopped_epoch", stopped_epoch_},
          {"best_epoch", best_epoch_},
          {"best", optional_number(best_)}};  // the best weights go as tensors
}

void EarlyStopping::restore_state(const nlohmann::json& state) {
  wait_ = state.at("wait").get<int>();
  stopped_epoch_ = state.at("stopped_epoch").get<int>();
  best_epoch_ = state.at("best_epoch").get<int>();
  best_ = read_optional(state.at("best"));
}

nlohmann::json ReduceLROnPlateau::checkpoint_state() const {
  return {{"best", best_}, {"has_best", has_best_}, {"wait", wait_}, {"cooldown_counter", cooldown_counter_}};
}

void ReduceLROnPlateau::restore_state(const nlohmann::json& state) {
  best_ = checkpoint_number(state.at("best"));
  has_best_ = state.at("has_best").get<bool>();
  wait_ = state.at("wait").get<int>();
  cooldown_counter_ = state.at("cooldown_counter").get<int>();
}

nlohmann::json ModelCheckpoint::checkpoint_state() const {
  return {{"best", optional_number(best_)}, {"last_saved", last_saved_}};
}

void ModelCheckpoint::restore_state(const nlohmann::json& state) {
  best_ = read_optional(state.at("best"));
  last_saved_ = state.at("last_saved").get<std::string>();
}

nlohmann::json CSVLogger::checkpoint_state() const {
  struct stat st {};
  const int64_t length = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
  return {{"length", length}, {"keys", keys_}};
}

void CSVLogger::restore_state(const nlohmann::json& state) {
  resume_length_ = state.at("length").get<int64_t>();
  keys_ = state.at("keys").get<std::vector<std::string>>();
  struct stat st {};
  if (::stat(filename_.c_str(), &st) != 0 || static_cast<int64_t>(st.st_size) < resume_length_)
    throw FileError(fmt::format(
        "CSVLogger: '{}' is shorter than the {} bytes it had at the checkpoint (the history was lost or edited)",
        filename_, resume_length_));
}

}  // namespace deepfin::train
