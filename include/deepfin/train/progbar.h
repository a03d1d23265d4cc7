#pragma once
// The Keras progress bar. On a terminal with verbose 1, a live line redrawn with \r
// (at most every 50 ms, and always on the last batch):
//     120/1500 [=>............................] - ETA: 12s - loss: 0.5123 - accuracy: 0.8125
// closed at epoch end with the time, the time per step and the validation metrics:
//   1500/1500 [==============================] - 12s 8ms/step - loss: ... - val_accuracy: ...
// Otherwise (not a terminal, or verbose 2) exactly one line per epoch:
//   Epoch 3/10 - 12s - loss: 0.5123 - accuracy: 0.8125 - val_loss: ... - val_accuracy: ...
// Keys print in params().metrics order, then any others alphabetically.
#include <chrono>
#include <iostream>
#include <optional>
#include <ostream>

#include "deepfin/train/callback.h"

namespace deepfin::train {

class ProgbarLogger final : public Callback {
 public:
  // is_terminal: nullopt asks isatty(stdout) when `out` is std::cout, and assumes false otherwise.
  explicit ProgbarLogger(std::ostream& out = std::cout, std::optional<bool> is_terminal = std::nullopt);

  void on_train_begin(const Logs&) override;
  void on_epoch_begin(int epoch, const Logs&) override;
  void on_train_batch_end(int64_t batch, const Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;

 private:
  using Clock = std::chrono::steady_clock;
  bool live() const { return terminal_ && params_.verbose == 1; }
  std::string format_logs(const Logs& logs) const;
  std::string bar(int64_t done) const;

  std::ostream& out_;
  bool terminal_;
  Clock::time_point epoch_start_;
  Clock::time_point last_draw_;
  int64_t seen_steps_ = 0;
};

// "12s", "340ms", "25us"; and ETA-style "1:02:03", "2:05", "12s".
std::string format_duration(double seconds);
std::string format_eta(double seconds);

}  // namespace deepfin::train
