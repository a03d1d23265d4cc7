#pragma once
// With --log-format json, training reports one JSON object per epoch on
// stdout instead of the progress bar, for log collectors and scripts.
#include "deepfin/train/callback.h"

namespace deepfin::cli {

class JsonEpochLogger final : public train::Callback {
 public:
  void on_epoch_begin(int epoch, const train::Logs&) override;
  void on_epoch_end(int epoch, train::Logs& logs) override;

 private:
  double started_ = 0.0;
};

}  // namespace deepfin::cli
