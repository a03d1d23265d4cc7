#include "deepfin/train/monitor.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::train {

MonitorMode resolve_monitor_mode(const std::string& mode, const std::string& monitor, const char* who) {
  if (mode == "min") return MonitorMode::min;
  if (mode == "max") return MonitorMode::max;
  if (mode != "auto")
    throw ConfigError(fmt::format("{}: mode must be \"auto\", \"min\" or \"max\", got \"{}\"", who, mode));
  for (const char* up : {"acc", "auc", "precision", "recall"})
    if (monitor.find(up) != std::string::npos) return MonitorMode::max;
  return MonitorMode::min;
}

}  // namespace deepfin::train
