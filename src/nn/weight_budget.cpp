#include "deepfin/nn/weight_budget.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::nn {
namespace {

thread_local WeightBudgetScope* innermost = nullptr;

std::string human_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) bytes /= 1024.0, ++u;
  return u == 0 ? fmt::format("{:.0f} bytes", bytes) : fmt::format("{:.1f} {}", bytes, units[u]);
}

int64_t default_limit() {
  if (const char* env = std::getenv("DEEPFIN_MAX_WEIGHT_BYTES"); env && *env) {
    char* end = nullptr;
    const long long v = std::strtoll(env, &end, 10);
    if (end && *end == '\0' && v > 0) return v;
    throw ConfigError(fmt::format("DEEPFIN_MAX_WEIGHT_BYTES must be a positive number of bytes, got '{}'", env));
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return int64_t{8} << 30;
  return static_cast<int64_t>(pages) / 2 * page;
}

}  // namespace

int64_t max_weight_bytes() {
  static const int64_t limit = default_limit();
  return limit;
}

WeightBudgetScope::WeightBudgetScope(int64_t bytes, std::string why)
    : outer_(innermost), remaining_(bytes), why_(std::move(why)) {
  innermost = this;
}

WeightBudgetScope::~WeightBudgetScope() {
  innermost = outer_;
}

void charge_weight(const std::string& layer, const std::string& weight, const Shape& shape, DType dtype) {
  int64_t bytes = static_cast<int64_t>(dtype_size(dtype));
  bool overflow = false;
  for (int64_t d : shape) {
    if (d < 0)
      throw ValueError(fmt::format("{}: weight '{}' has a negative dimension in {}", layer, weight, shape_str(shape)));
    overflow = overflow || __builtin_mul_overflow(bytes, d, &bytes);
  }
  const std::string size = overflow ? "more than 2^63 bytes" : human_bytes(static_cast<double>(bytes));
  if (overflow || bytes > max_weight_bytes())
    throw ValueError(fmt::format(
        "{}: weight '{}' of shape {} would take {}, over the limit of {} for one weight (half this machine's memory, "
        "or DEEPFIN_MAX_WEIGHT_BYTES); check the layer's sizes and the input shape",
        layer, weight, shape_str(shape), size, human_bytes(static_cast<double>(max_weight_bytes()))));
  for (WeightBudgetScope* s = innermost; s; s = s->outer_) {
    if (bytes > s->remaining_)
      throw ValueError(
          fmt::format("{}: weight '{}' of shape {} would take {}, more than is left of the model's "
                      "budget ({}; {})",
                      layer, weight, shape_str(shape), size, human_bytes(static_cast<double>(s->remaining_)), s->why_));
  }
  for (WeightBudgetScope* s = innermost; s; s = s->outer_) s->remaining_ -= bytes;
}

}  // namespace deepfin::nn
