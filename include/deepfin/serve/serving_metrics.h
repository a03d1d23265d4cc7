#pragma once
// The server's Prometheus metrics: requests by model and status, a latency
// histogram and a batch-size histogram per model, queue depth, and model
// reloads. Thread-safe; render() writes the text exposition format (0.0.4).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace deepfin::serve {

class ServingMetrics {
 public:
  // `model` is "" for requests that name no served model (health, listing, unknown paths).
  void record_request(const std::string& model, int status, double seconds);
  void record_batch(const std::string& model, int64_t rows);
  void record_reload(const std::string& model, bool ok);
  // The queue depth of each model is read when rendering.
  void set_queue_depth_source(std::function<std::vector<std::pair<std::string, int64_t>>()> source);

  std::string render() const;

  // Histogram bucket upper bounds: seconds for latency, rows for batches.
  static const std::vector<double>& latency_buckets();
  static const std::vector<double>& batch_buckets();

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket (not cumulative); the last is +Inf
    double sum = 0;
    uint64_t count = 0;
    void observe(const std::vector<double>& bounds, double value);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_, batches_;
  std::map<std::pair<std::string, bool>, uint64_t> reloads_;
  std::function<std::vector<std::pair<std::string, int64_t>>()> queue_depths_;
};

}  // namespace deepfin::serve
