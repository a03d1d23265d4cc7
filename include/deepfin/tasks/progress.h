#pragma once
// How a task reports what it is doing while it works (data read, fold done,
// file written): a line for people and the same event as JSON for programs.
// Front doors decide what to show; an empty Progress shows nothing.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::tasks {

using Progress = std::function<void(const std::string& text, const nlohmann::json& event)>;

// Calls `progress` when it is set.
inline void report_progress(const Progress& progress, const std::string& text, const nlohmann::json& event) {
  if (progress) progress(text, event);
}

}  // namespace deepfin::tasks
