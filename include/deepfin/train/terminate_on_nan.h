#pragma once
// Stops training as soon as a batch reports a NaN or infinite "loss".
#include <iostream>
#include <ostream>

#include "deepfin/train/callback.h"

namespace deepfin::train {

class TerminateOnNaN final : public Callback {
 public:
  explicit TerminateOnNaN(std::ostream& out = std::cout) : out_(out) {}
  void on_train_batch_end(int64_t batch, const Logs& logs) override;

 private:
  std::ostream& out_;
};

}  // namespace deepfin::train
