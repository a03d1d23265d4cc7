#pragma once
// Appends one row per epoch to a CSV file: "epoch" then the log keys of the first
// epoch, sorted ("NA" for a key missing later). Each row (with the header, the first time)
// goes out in a single write() on an O_APPEND descriptor, so a reader or a crash never
// sees half a row. append = false truncates the file at train begin; append = true keeps
// it and skips the header when the file already has content.
#include <string>
#include <vector>

#include "deepfin/train/callback.h"

namespace deepfin::train {

class CSVLogger final : public Callback {
 public:
  explicit CSVLogger(std::string filename, char separator = ',', bool append = false);
  ~CSVLogger() override;
  CSVLogger(const CSVLogger&) = delete;
  CSVLogger& operator=(const CSVLogger&) = delete;

  void on_train_begin(const Logs&) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(const Logs&) override;
  // The file's length and columns: a resumed run cuts off rows written after the
  // checkpoint and appends under the same header.
  nlohmann::json checkpoint_state() const override;

 protected:
  void restore_state(const nlohmann::json& state) override;

 private:
  void close();

  std::string filename_;
  char separator_;
  bool append_;
  int fd_ = -1;
  bool need_header_ = true;
  std::vector<std::string> keys_;
  int64_t resume_length_ = -1;  // set by restore_state: the length to cut the file to
};

}  // namespace deepfin::train
