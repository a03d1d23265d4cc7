#pragma once
// Options every subcommand shares (--threads, --seed, --log-format) and the
// run header that states what is in effect.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace deepfin::cli {

struct RunContext {
  std::optional<int> threads;
  std::optional<uint64_t> seed;
  std::string log_format = "text";  // "text" | "json"
  // Set when the command runs inside another front door (cli_app.h): events go
  // there instead of stdout.
  std::function<void(const std::string& text, const nlohmann::json& event)> event_sink{};
  bool json() const { return log_format == "json"; }

  // Applies threads and seed (a job file's values fill in what the flags left
  // unset), then prints the header line. Returns the seed in effect.
  // header_to_stderr: for commands whose stdout is data (JSON, CSV).
  uint64_t apply(std::optional<int> job_threads = {}, std::optional<uint64_t> job_seed = {},
                 bool header_to_stderr = false) const;
};

// Prints one line (text) or one JSON object (json) describing an event.
void print_event(const RunContext& ctx, const std::string& text, const nlohmann::json& event);

}  // namespace deepfin::cli
