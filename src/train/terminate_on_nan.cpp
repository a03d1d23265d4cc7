#include "deepfin/train/terminate_on_nan.h"

#include <fmt/format.h>

#include <cmath>

namespace deepfin::train {

void TerminateOnNaN::on_train_batch_end(int64_t batch, const Logs& logs) {
  auto it = logs.find("loss");
  if (it == logs.end() || std::isfinite(it->second)) return;
  out_ << fmt::format("Batch {}: Invalid loss, terminating training\n", batch) << std::flush;
  require_model("TerminateOnNaN").stop_training = true;
}

}  // namespace deepfin::train
