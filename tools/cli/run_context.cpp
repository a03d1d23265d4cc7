#include "run_context.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "deepfin/base/threads.h"
#include "deepfin/core/backend_info.h"
#include "deepfin/core/random.h"
#include "deepfin/train/communicator.h"
#include "deepfin/version.h"

namespace deepfin::cli {
namespace {
constexpr uint64_t kDefaultSeed = 42;
}  // namespace

uint64_t RunContext::apply(std::optional<int> job_threads, std::optional<uint64_t> job_seed,
                           bool header_to_stderr) const {
  std::FILE* out = header_to_stderr ? stderr : stdout;
  if (auto t = threads ? threads : job_threads) set_num_threads(*t);
  const uint64_t s = seed ? *seed : (job_seed ? *job_seed : kDefaultSeed);
  set_random_seed(s);
  const bool ref = reference_kernels_enabled();
  const auto world = train::world();
  nlohmann::json header = {{"event", "run"}, {"version", DEEPFIN_VERSION},      {"threads", get_num_threads()},
                           {"seed", s},      {"gemm", gemm_provider_summary()}, {"reference_kernels", ref}};
  if (world->size() > 1) header["ranks"] = world->size();
  const std::string text =
      fmt::format("deepfin {} | threads {}{} | seed {} | gemm {}{}", DEEPFIN_VERSION, get_num_threads(),
                  world->size() > 1 ? fmt::format(" per rank | {}", world->describe()) : "", s, gemm_provider_summary(),
                  ref ? " | reference kernels" : "");
  if (event_sink) {
    event_sink(text, header);
    return s;
  }
  fmt::print(out, "{}\n", json() ? header.dump() : text);
  std::fflush(out);
  return s;
}

void print_event(const RunContext& ctx, const std::string& text, const nlohmann::json& event) {
  if (ctx.event_sink) {
    ctx.event_sink(text, event);
    return;
  }
  // Paths and texts come from the user and need not be UTF-8; JSON output replaces
  // what is not (U+FFFD) rather than failing after the work is done.
  fmt::print("{}\n", ctx.json() ? event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : text);
  std::fflush(stdout);
}

}  // namespace deepfin::cli
