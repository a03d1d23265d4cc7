#include "run_context.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "deepfin/base/threads.h"
#include "deepfin/core/backend_info.h"
#include "deepfin/core/random.h"
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
  if (json()) {
    nlohmann::json header = {{"event", "run"}, {"version", DEEPFIN_VERSION},      {"threads", get_num_threads()},
                             {"seed", s},      {"gemm", gemm_provider_summary()}, {"reference_kernels", ref}};
    fmt::print(out, "{}\n", header.dump());
  } else {
    fmt::print(out, "deepfin {} | threads {} | seed {} | gemm {}{}\n", DEEPFIN_VERSION, get_num_threads(), s,
               gemm_provider_summary(), ref ? " | reference kernels" : "");
  }
  std::fflush(out);
  return s;
}

void print_event(const RunContext& ctx, const std::string& text, const nlohmann::json& event) {
  // Paths and texts come from the user and need not be UTF-8; JSON output replaces
  // what is not (U+FFFD) rather than failing after the work is done.
  fmt::print("{}\n", ctx.json() ? event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : text);
  std::fflush(stdout);
}

}  // namespace deepfin::cli
