#include "deepfin/serve/serving_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace deepfin::serve {
namespace {

// A label value with the exposition format's escapes (model names come from file names).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string bound_text(double bound) {
  return fmt::format("{}", bound);
}

}  // namespace

const std::vector<double>& ServingMetrics::latency_buckets() {
  static const std::vector<double> b = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                        0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5};
  return b;
}

const std::vector<double>& ServingMetrics::batch_buckets() {
  static const std::vector<double> b = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  return b;
}

void ServingMetrics::Histogram::observe(const std::vector<double>& bounds, double value) {
  if (counts.empty()) counts.assign(bounds.size() + 1, 0);
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);  // le: value <= bound
  ++counts[static_cast<size_t>(it - bounds.begin())];
  sum += value;
  ++count;
}

void ServingMetrics::record_request(const std::string& model, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{model, status}];
  if (!model.empty()) latency_[model].observe(latency_buckets(), seconds);
}

void ServingMetrics::record_batch(const std::string& model, int64_t rows) {
  std::lock_guard lock(mutex_);
  batches_[model].observe(batch_buckets(), static_cast<double>(rows));
}

void ServingMetrics::record_reload(const std::string& model, bool ok) {
  std::lock_guard lock(mutex_);
  ++reloads_[{model, ok}];
}

void ServingMetrics::set_queue_depth_source(std::function<std::vector<std::pair<std::string, int64_t>>()> source) {
  std::lock_guard lock(mutex_);
  queue_depths_ = std::move(source);
}

std::string ServingMetrics::render() const {
  std::function<std::vector<std::pair<std::string, int64_t>>()> depths;
  std::string out;
  {
    std::lock_guard lock(mutex_);
    depths = queue_depths_;
    out += "# HELP deepfin_requests_total HTTP requests answered, by model (empty: no model) and status.\n";
    out += "# TYPE deepfin_requests_total counter\n";
    for (const auto& [key, n] : requests_)
      out += fmt::format("deepfin_requests_total{{model=\"{}\",status=\"{}\"}} {}\n", label(key.first), key.second, n);
    const auto histogram = [&](const char* name, const char* help, const std::map<std::string, Histogram>& hs,
                               const std::vector<double>& bounds) {
      out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
      for (const auto& [model, h] : hs) {
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= bounds.size(); ++b) {
          cumulative += h.counts[b];
          out += fmt::format("{}_bucket{{model=\"{}\",le=\"{}\"}} {}\n", name, label(model),
                             b < bounds.size() ? bound_text(bounds[b]) : "+Inf", cumulative);
        }
        out += fmt::format("{}_sum{{model=\"{}\"}} {}\n", name, label(model), h.sum);
        out += fmt::format("{}_count{{model=\"{}\"}} {}\n", name, label(model), h.count);
      }
    };
    histogram("deepfin_request_duration_seconds", "Time from a parsed request to its response, by model.", latency_,
              latency_buckets());
    histogram("deepfin_batch_size_rows", "Rows scored together in one batch, by model.", batches_, batch_buckets());
    out += "# HELP deepfin_model_reloads_total Model files reloaded after a change, by result.\n";
    out += "# TYPE deepfin_model_reloads_total counter\n";
    for (const auto& [key, n] : reloads_)
      out += fmt::format("deepfin_model_reloads_total{{model=\"{}\",result=\"{}\"}} {}\n", label(key.first),
                         key.second ? "ok" : "failed", n);
  }
  out += "# HELP deepfin_queue_depth Requests waiting or being scored, by model.\n# TYPE deepfin_queue_depth gauge\n";
  if (depths)
    for (const auto& [model, depth] : depths())
      out += fmt::format("deepfin_queue_depth{{model=\"{}\"}} {}\n", label(model), depth);
  return out;
}

}  // namespace deepfin::serve
