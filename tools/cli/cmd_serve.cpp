// deepfin serve MODEL_DIR|MODEL...: the scoring server (serve::Server) on
// 127.0.0.1:8080 unless told otherwise, until SIGTERM or SIGINT, which drain the
// requests in flight before it exits. Log lines are JSON on stderr.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include "commands.h"
#include "deepfin/serve/server.h"

namespace deepfin::cli {
namespace {

void log_line(const nlohmann::json& line) {
  static std::mutex mutex;
  nlohmann::json out = {{"ts", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(std::time(nullptr)))}};
  out.update(line);
  // Paths and file names are a client's or an operator's bytes: not UTF-8 becomes U+FFFD.
  const std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex);
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
}

int run_serve(const RunContext& ctx, serve::ServerOptions options) {
  ctx.apply({}, {}, true);
  options.log = log_line;
  // SIGTERM and SIGINT go to one waiting thread (every thread started from here
  // inherits the blocked mask), which asks the server to drain and stop.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  serve::Server server(std::move(options));
  std::atomic<bool> returned{false};  // run() ended by itself: the waiter's wake-up is no signal
  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    if (!returned) log_line({{"event", "draining"}, {"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.stop();
  });
  struct WakeWaiter {  // also when run() throws, so that the waiter thread is joined
    std::thread& waiter;
    std::atomic<bool>& returned;
    ~WakeWaiter() {
      returned = true;
      pthread_kill(waiter.native_handle(), SIGTERM);  // pending until sigwait takes it, if a signal already came
      waiter.join();
    }
  } wake{waiter, returned};
  server.run();
  return 0;
}

}  // namespace

Command add_serve_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("serve", "serve models over HTTP: predictions, explanations, metrics");
  auto o = std::make_shared<serve::ServerOptions>();
  sub->add_option("models", o->models, "model files (.safetensors) or folders of them")->required();
  sub->add_option("--host", o->host, "address to listen on (default 127.0.0.1: this machine only)");
  sub->add_option("--port", o->port, "port (default 8080; 0 = any free port)")->check(CLI::Range(0, 65535));
  sub->add_option("--connections", o->threads, "connections served at once, one thread each (default 128)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-batch", o->batch.max_batch, "rows scored together per model (default 64)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-delay-us", o->batch.max_delay_us,
                  "how long a batch waits for more rows, microseconds (default 0: what is queued)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-queue", o->batch.max_queue, "requests waiting per model before 503 (default 1024)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-body-bytes", o->max_body_bytes, "larger request bodies get 413 (default 1 MiB)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--read-timeout", o->read_timeout_s, "seconds a client may stay silent mid-request (default 5)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--write-timeout", o->write_timeout_s, "seconds a response may take to send (default 5)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--keep-alive", o->keep_alive_s, "seconds an idle connection stays open (default 5)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--reload-interval", o->reload_interval_s,
                  "seconds between checks for changed model files (default 1; 0 = never)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--token-file", o->token_file, "require Authorization: Bearer <the file's token>");
  sub->add_option("--tls-cert", o->tls_cert, "PEM certificate: serve HTTPS (with --tls-key)");
  sub->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  sub->add_option("--reasons", o->explain_reasons, "adverse reasons per credit row (default 4)")
      ->check(CLI::Range(0, 20));
  sub->add_option("--steps", o->explain_steps, "integration steps of the explanations (default 64)")
      ->check(CLI::Range(1, 100000));
  auto* log = sub->add_option("--decision-log", o->decision_log.path,
                              "append one JSON line per credit decision (time, model hash, keyed applicant id, score, "
                              "decision, reasons; no applicant data) to this file");
  auto* key = sub->add_option("--log-key-file", o->decision_log.key_file,
                              "file with the key (>= 16 characters) of the applicant ids' HMAC-SHA-256");
  auto* id = sub->add_option("--id-field", o->decision_log.id_column,
                             "the field of each applicant that holds its id (required in requests with a log)");
  log->needs(key)->needs(id);
  key->needs(log);
  id->needs(log);
  return {sub, [&ctx, o] { return run_serve(ctx, *o); }};
}

}  // namespace deepfin::cli
