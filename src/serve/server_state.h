#pragma once
// What serve::Server's threads share: the options, the models, one batcher per
// model, the metrics, and whether it is draining. Kept out of the public header
// so that only src/serve sees cpp-httplib.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "deepfin/serve/batcher.h"
#include "deepfin/serve/bearer_token.h"
#include "deepfin/serve/model_repository.h"
#include "deepfin/serve/server.h"
#include "deepfin/serve/serving_metrics.h"

namespace deepfin::serve {

struct Server::State {
  ServerOptions options;
  ServingMetrics metrics;
  std::unique_ptr<ModelRepository> models;
  std::optional<BearerToken> token;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  int listen_fd = -1;  // the bound socket, whose backlog is raised after binding
  std::atomic<bool> draining{false};
  std::atomic<uint64_t> next_request_id{1};

  std::mutex batchers_mutex;
  std::map<std::string, std::unique_ptr<Batcher>> batchers;
  Batcher& batcher(const std::string& model);

  std::thread listener, reloader;
  std::mutex stop_mutex;
  std::condition_variable stop_signal;  // wakes the reloader to exit
  bool stopped = false;                 // under stop_mutex
  std::atomic<bool> in_run{false};      // run() is between its start and its return
  std::atomic<bool> run_done{false};    // start()'s thread has left run()

  void log(const nlohmann::json& line) const {
    if (options.log) options.log(line);
  }
};

// Installs the endpoints and the error, auth and logging handlers on state.http.
void install_routes(Server::State& state);

}  // namespace deepfin::serve
