#pragma once
// Which way a monitored log value should move. "auto" picks max for names that
// contain "acc", "auc", "precision" or "recall", min otherwise.
#include <string>

namespace deepfin::train {

enum class MonitorMode { min, max };

// mode is "auto", "min" or "max"; anything else is a ConfigError naming `who`.
MonitorMode resolve_monitor_mode(const std::string& mode, const std::string& monitor, const char* who);

}  // namespace deepfin::train
