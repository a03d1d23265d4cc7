#include "json_logger.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

namespace deepfin::cli {
namespace {
double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void JsonEpochLogger::on_epoch_begin(int, const train::Logs&) {
  started_ = now_seconds();
}

void JsonEpochLogger::on_epoch_end(int epoch, train::Logs& logs) {
  nlohmann::json j = {
      {"event", "epoch"}, {"epoch", epoch + 1}, {"epochs", params().epochs}, {"seconds", now_seconds() - started_}};
  // JSON has no NaN: a diverged metric is written as null.
  for (const auto& [key, value] : logs) j[key] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json();
  fmt::print("{}\n", j.dump());
  std::fflush(stdout);
}

}  // namespace deepfin::cli
