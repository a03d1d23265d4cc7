#pragma once
// Everything `deepfin serve` and serve::Server can be told. The defaults are
// the safe ones: loopback only, bounded bodies, queues and timeouts.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/tasks/decision_log.h"

namespace deepfin::serve {

// Dynamic batching: concurrent requests for one model are scored together.
struct BatchOptions {
  int64_t max_batch = 64;    // rows per batch (a larger single request is scored alone)
  int64_t max_delay_us = 0;  // how long a batch may wait for more rows; 0: take what is queued
  int64_t max_queue = 1024;  // requests waiting per model; past it: 503 with Retry-After
};

struct ServerOptions {
  // Model files (.safetensors) and folders of them. In a folder, each file is a
  // model named by its stem, and each subfolder a model whose versions are its
  // files or sub-subfolders (the highest version is served).
  std::vector<std::string> models{};
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Server::port())
  BatchOptions batch{};
  int64_t max_body_bytes = 1 << 20;  // larger bodies get 413
  double read_timeout_s = 5;         // a client that sends nothing for this long is dropped
  double write_timeout_s = 5;
  double keep_alive_s = 5;                   // idle keep-alive connections are closed after this
  int threads = 128;                         // connections served at once (one thread each)
  double reload_interval_s = 1;              // how often model files are checked for changes; 0: never
  std::string token_file{};                  // if set: "Authorization: Bearer <its contents>" is required
  std::string tls_cert{}, tls_key{};         // both set: HTTPS
  int explain_reasons = 4;                   // adverse reasons per credit row
  int64_t explain_steps = 64;                // integrated-gradient steps, as `deepfin explain`
  tasks::DecisionLogOptions decision_log{};  // credit decisions' audit log (empty path: none)
  // Structured log lines (request id, model, status, latency; never a body). Null: no log.
  std::function<void(const nlohmann::json&)> log{};
};

}  // namespace deepfin::serve
