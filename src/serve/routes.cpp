// The endpoints, and the handlers every request passes: authentication before
// routing, JSON error bodies for every status, one structured log line and the
// metrics after. Logs carry the request id, model, status and latency, never a
// body: bodies hold applicants' personal data.
#include <fmt/format.h>

#include <chrono>

#include "deepfin/privacy/privacy_options.h"
#include "deepfin/serve/request_error.h"
#include "serve/server_state.h"

namespace deepfin::serve {
namespace {

using Clock = std::chrono::steady_clock;

// Per request, on the worker thread that handles it from routing to the log line.
struct RequestScope {
  Clock::time_point start;
  std::string id, model;
  bool active = false;  // set before routing, cleared once the request is counted
};
thread_local RequestScope scope;

const char* kJson = "application/json";

// JSON text that cannot throw: a client's bytes that are not UTF-8 (in a path, a
// category, a parse error's excerpt) become U+FFFD instead of failing the answer.
std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(json_text({{"error", message}, {"status", status}}), kJson);
  if (status == 503) res.set_header("Retry-After", "1");
  if (status == 401) res.set_header("WWW-Authenticate", "Bearer");
}

// A client's X-Request-Id if it is short and plain, else a fresh one.
std::string request_id(Server::State& s, const httplib::Request& req) {
  const std::string given = req.get_header_value("X-Request-Id");
  if (!given.empty() && given.size() <= 64 &&
      std::all_of(given.begin(), given.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
    return given;
  return fmt::format("{:08x}", s.next_request_id.fetch_add(1));
}

std::string status_message(int status, const Server::State& s) {
  switch (status) {
    case 400:  // httplib's own: the request line, headers or body could not be read
      return fmt::format(
          "the request could not be read: malformed HTTP, or the body did not arrive within the "
          "read timeout ({} s)",
          s.options.read_timeout_s);
    case 404:
      return "no such endpoint; try GET /v1/models";
    case 413:
      return fmt::format("the request body is larger than the server's limit of {} bytes (--max-body-bytes)",
                         s.options.max_body_bytes);
    case 414:
      return "the request URI is too long";
    default:
      return fmt::format("HTTP {}", status);
  }
}

nlohmann::json parse_body(const std::string& body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message already says "at line L, column C"; the byte offset is for programs.
    std::string what = e.what();
    const auto colon = what.find("] ");
    throw RequestError(400, fmt::format("malformed JSON at byte {}: {}", e.byte,
                                        colon == std::string::npos ? what : what.substr(colon + 2)));
  }
}

nlohmann::json describe_model(const LoadedModel& m) {
  const models::Model& net = m.scorer->model();
  nlohmann::json out = {{"name", m.name},
                        {"version", m.version},
                        {"kind", m.scorer->kind()},
                        {"sha256", m.sha256},
                        {"loaded_at", m.loaded_at},
                        {"schema", m.scorer->schema()},
                        {"example", m.scorer->example()},
                        {"training", net.attachment("evaluation")}};
  const nlohmann::json privacy = net.attachment("privacy");
  if (privacy.is_null()) {
    out["privacy"] = nullptr;
  } else {
    out["privacy"] = privacy;
    out["privacy"]["description"] = privacy::describe(privacy::guarantee_from_json(privacy));
  }
  return out;
}

void predict(Server::State& s, const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  const auto model = s.models->find(name);
  if (!model) {
    std::string names;
    for (const auto& m : s.models->all()) names += (names.empty() ? "" : ", ") + m->name;
    throw RequestError(404, fmt::format("no model named \"{}\" (serving: {})", name, names));
  }
  scope.model = name;
  if (s.draining) throw RequestError(503, "the server is shutting down");
  const nlohmann::json body = parse_body(req.body);
  const auto instances = model->scorer->parse(body);
  nlohmann::json result = s.batcher(name).run(model->scorer, *instances);
  result["model"] = name;
  result["version"] = model->version;
  res.set_content(json_text(result), kJson);
}

// Runs a handler, turning what it throws into the status and message it means.
template <typename Handler>
httplib::Server::Handler guarded(Server::State& s, Handler handler) {
  return [&s, handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(s, req, res);
    } catch (const RequestError& e) {
      reply_error(res, e.status(), e.what());
    } catch (const ValueError& e) {  // a model refusing inputs it parsed: a bad value, not a server fault
      reply_error(res, 422, e.what());
    } catch (const NotFoundError& e) {
      reply_error(res, 422, e.what());
    } catch (const std::exception& e) {
      s.log({{"event", "error"}, {"id", scope.id}, {"model", scope.model}, {"error", e.what()}});
      reply_error(res, 500, "the server failed to score this request; see its log");
    }
  };
}

}  // namespace

void install_routes(Server::State& state) {
  httplib::Server& http = *state.http;
  Server::State* s = &state;

  http.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
    scope = {Clock::now(), request_id(*s, req), "", true};
    res.set_header("X-Request-Id", scope.id);
    const bool probe = req.path == "/healthz" || req.path == "/readyz";
    if (s->token && !probe && !s->token->accepts(req.get_header_value("Authorization"))) {
      reply_error(res, 401, "missing or wrong bearer token (Authorization: Bearer <token>)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler([s](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) reply_error(res, res.status, status_message(res.status, *s));
  });
  // Handlers are guarded; this catches what escapes httplib's own code paths.
  http.set_exception_handler([s](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      s->log({{"event", "error"}, {"id", scope.id}, {"error", e.what()}});
    } catch (...) {
      s->log({{"event", "error"}, {"id", scope.id}, {"error", "an exception that is not a std::exception"}});
    }
    reply_error(res, 500, "internal error; see the server's log");
  });
  // Before the response is written (so a client that reads /metrics next sees its
  // request counted), for every response, routed or not.
  http.set_post_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
    if (!scope.active) {  // refused before routing (413, unreadable request): no pre-routing ran
      scope = {Clock::now(), request_id(*s, req), "", true};
      res.set_header("X-Request-Id", scope.id);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - scope.start).count();
    scope.active = false;
    s->metrics.record_request(scope.model, res.status, seconds);
    try {  // httplib calls this with nothing around it: an exception here would end the process
      s->log({{"event", "request"},
              {"id", scope.id},
              {"method", req.method},
              {"path", req.path},
              {"model", scope.model},
              {"status", res.status},
              {"latency_us", std::lround(seconds * 1e6)}});
    } catch (const std::exception&) {  // a log sink that fails loses the line, not the server
    }
  });

  http.Post(R"(/v1/models/([A-Za-z0-9._-]+):predict)", guarded(state, predict));
  http.Get("/v1/models", guarded(state, [](Server::State& st, const httplib::Request&, httplib::Response& res) {
             nlohmann::json models = nlohmann::json::array();
             for (const auto& m : st.models->all())
               models.push_back({{"name", m->name}, {"version", m->version}, {"kind", m->scorer->kind()}});
             res.set_content(json_text({{"models", models}}), kJson);
           }));
  http.Get(R"(/v1/models/([A-Za-z0-9._-]+))",
           guarded(state, [](Server::State& st, const httplib::Request& req, httplib::Response& res) {
             const auto model = st.models->find(req.matches[1]);
             if (!model) throw RequestError(404, fmt::format("no model named \"{}\"", std::string(req.matches[1])));
             scope.model = model->name;
             res.set_content(json_text(describe_model(*model)), kJson);
           }));
  http.Get("/healthz",
           [](const httplib::Request&, httplib::Response& res) { res.set_content(R"({"status":"ok"})", kJson); });
  http.Get("/readyz", [s](const httplib::Request&, httplib::Response& res) {
    if (s->draining)
      reply_error(res, 503, "shutting down");
    else
      res.set_content(json_text({{"status", "ready"}, {"models", s->models->all().size()}}), kJson);
  });
  http.Get("/metrics", [s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s->metrics.render(), "text/plain; version=0.0.4");
  });
}

}  // namespace deepfin::serve
