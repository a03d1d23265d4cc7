// serve::Server's life: load the models, bind, listen (on the caller's thread
// or a background one), reload changed model files on a timer, and on stop()
// drain: refuse new predictions, answer the ones in flight, then close.
#include "deepfin/serve/server.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <chrono>
#include <cmath>

#include "deepfin/base/error.h"
#include "serve/server_state.h"

namespace deepfin::serve {
namespace {

void check_options(const ServerOptions& o) {
  if (o.port < 0 || o.port > 65535) throw ConfigError(fmt::format("serve: --port must be 0..65535, got {}", o.port));
  if (o.threads < 1) throw ConfigError(fmt::format("serve: --threads must be >= 1, got {}", o.threads));
  if (o.max_body_bytes < 1) throw ConfigError("serve: --max-body-bytes must be >= 1");
  for (double t : {o.read_timeout_s, o.write_timeout_s, o.keep_alive_s})
    if (!(t > 0) || !std::isfinite(t)) throw ConfigError(fmt::format("serve: timeouts must be > 0 s, got {}", t));
  if (o.reload_interval_s < 0) throw ConfigError("serve: --reload-interval must be >= 0");
  if (o.tls_cert.empty() != o.tls_key.empty()) throw ConfigError("serve: TLS needs both --tls-cert and --tls-key");
}

std::pair<time_t, time_t> seconds_usec(double s) {
  const auto whole = static_cast<time_t>(s);
  return {whole, static_cast<time_t>(std::lround((s - static_cast<double>(whole)) * 1e6))};
}

}  // namespace

Batcher& Server::State::batcher(const std::string& model) {
  std::lock_guard lock(batchers_mutex);
  auto& b = batchers[model];
  if (!b)
    b = std::make_unique<Batcher>(options.batch, [this, model](int64_t rows) { metrics.record_batch(model, rows); });
  return *b;
}

Server::Server(ServerOptions options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  check_options(options);
  Batcher check(options.batch);  // the batching options, checked before any model loads
  s.options = std::move(options);
  if (!s.options.token_file.empty()) s.token = BearerToken::from_file(s.options.token_file);
  s.models = std::make_unique<ModelRepository>(
      s.options.models, ScoringOptions{s.options.explain_reasons, s.options.explain_steps, s.options.decision_log},
      &s.metrics, [&s](const nlohmann::json& line) { s.log(line); });
  s.metrics.set_queue_depth_source([&s] {
    std::vector<std::pair<std::string, int64_t>> depths;
    std::lock_guard lock(s.batchers_mutex);
    for (const auto& [name, b] : s.batchers) depths.emplace_back(name, b->queue_depth());
    return depths;
  });

  if (!s.options.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(s.options.tls_cert.c_str(), s.options.tls_key.c_str());
    if (!tls->is_valid())
      throw ConfigError(
          fmt::format("serve: cannot use the TLS certificate {} with key {} (unreadable, not PEM, or "
                      "not a pair)",
                      s.options.tls_cert, s.options.tls_key));
    s.http = std::move(tls);
  } else {
    s.http = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *s.http;
  const int threads = s.options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(static_cast<size_t>(s.options.max_body_bytes));
  const auto [rs, ru] = seconds_usec(s.options.read_timeout_s);
  http.set_read_timeout(rs, ru);
  const auto [ws, wu] = seconds_usec(s.options.write_timeout_s);
  http.set_write_timeout(ws, wu);
  http.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(std::ceil(s.options.keep_alive_s))));
  http.set_keep_alive_max_count(1000000);
  http.set_tcp_nodelay(true);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second
  // server on a port in use binds it too and silently takes half the traffic.
  http.set_socket_options([&s](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    s.listen_fd = sock;
  });
  install_routes(s);

  s.port = s.options.port == 0 ? http.bind_to_any_port(s.options.host) : s.options.port;
  if (s.port < 0 || (s.options.port != 0 && !http.bind_to_port(s.options.host, s.options.port)))
    throw ConfigError(fmt::format("serve: cannot listen on {}:{} (in use, or not an address of this machine)",
                                  s.options.host, s.options.port));
  // The library listens with a backlog of 5, so 64 clients connecting at once overflow it
  // and wait a second to retry; listening again on the bound socket raises it.
  if (s.listen_fd >= 0) ::listen(s.listen_fd, SOMAXCONN);
}

Server::~Server() {
  stop();
}

int Server::port() const {
  return state_->port;
}

void Server::run() {
  State& s = *state_;
  {
    // Under the lock, so that stop() sees either a run that has begun (and waits for
    // it to return) or none at all; the reloader is started here for the same reason.
    std::lock_guard lock(s.stop_mutex);
    if (s.stopped || s.in_run) return;
    s.in_run = true;
    if (s.options.reload_interval_s > 0)
      s.reloader = std::thread([&s] {
        const auto interval = std::chrono::duration<double>(s.options.reload_interval_s);
        std::unique_lock wait_lock(s.stop_mutex);
        while (!s.stop_signal.wait_for(wait_lock, interval, [&s] { return s.stopped; })) {
          wait_lock.unlock();
          try {
            s.models->reload_changed();
          } catch (const std::exception& e) {  // the reloader must outlive any bad folder
            s.log({{"event", "reload_failed"}, {"error", e.what()}});
          }
          wait_lock.lock();
        }
      });
  }
  s.log({{"event", "listening"},
         {"host", s.options.host},
         {"port", s.port},
         {"tls", !s.options.tls_cert.empty()},
         {"models", s.models->all().size()}});
  bool listened = false;
  try {
    listened = s.http->listen_after_bind();
  } catch (...) {
    s.in_run = false;  // else stop() would wait for this run forever
    throw;
  }
  s.in_run = false;
  std::lock_guard lock(s.stop_mutex);
  if (!listened && !s.stopped)
    throw ConfigError(fmt::format("serve: listening on {}:{} failed", s.options.host, s.port));
}

void Server::start() {
  State& s = *state_;
  {
    std::lock_guard lock(s.stop_mutex);
    if (s.stopped) throw ConfigError("serve: start() after stop(): make a new Server");
  }
  s.listener = std::thread([this] {
    try {
      run();
    } catch (const std::exception& e) {
      state_->log({{"event", "error"}, {"error", e.what()}});
    }
    state_->run_done = true;
  });
  // Until connections are accepted, or run() has given up.
  while (!s.http->is_running() && !s.run_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void Server::stop() {
  State& s = *state_;
  {
    std::lock_guard lock(s.stop_mutex);
    if (s.stopped) return;
    s.stopped = true;
  }
  s.draining = true;
  s.stop_signal.notify_all();
  // httplib's stop() closes the listener, and its pool joins each worker after the
  // request it is on, so run() returns once requests in flight are answered. Its
  // stop() does nothing before the listen loop is running: repeat until run() is over.
  while (s.in_run) {
    s.http->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (s.listener.joinable() && s.listener.get_id() != std::this_thread::get_id()) s.listener.join();
  if (s.reloader.joinable()) s.reloader.join();
  s.log({{"event", "stopped"}});
}

}  // namespace deepfin::serve
