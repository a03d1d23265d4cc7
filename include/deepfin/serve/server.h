#pragma once
// serve::Server: deepfin's scoring server, the library behind `deepfin serve`.
// Embedding it takes a few lines:
//
//   deepfin::serve::ServerOptions options;
//   options.models = {"out/credit_german.safetensors"};
//   options.port = 0;                      // any free port
//   deepfin::serve::Server server(options);  // loads and checks every model
//   server.start();                        // listens on a background thread
//   ... POST http://127.0.0.1:<server.port()>/v1/models/credit_german:predict ...
//   server.stop();                         // drains in-flight requests
//
// Endpoints: POST /v1/models/{name}:predict, GET /v1/models, GET
// /v1/models/{name}, GET /healthz, GET /readyz, GET /metrics (Prometheus).
#include <memory>

#include "deepfin/serve/server_options.h"

namespace deepfin::serve {

class Server {
 public:
  // Loads every model (ConfigError / FileError naming the one that fails), reads
  // the token file, and binds the port (ConfigError when it cannot). Nothing is
  // answered until start() or run().
  explicit Server(ServerOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the chosen one when options.port was 0).
  int port() const;
  // Serves on the calling thread until stop() (e.g. from a signal-handling thread).
  void run();
  // Serves on a background thread; returns once connections are accepted.
  void start();
  // /readyz answers 503 and new predictions get 503; requests in flight are
  // answered; then the listener closes and run() returns. Idempotent.
  void stop();

  struct State;  // opaque: defined inside src/serve only

 private:
  std::unique_ptr<State> state_;
};

}  // namespace deepfin::serve
