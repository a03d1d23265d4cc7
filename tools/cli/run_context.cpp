#include "run_context.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "deepfin/core/random.h"
#include "deepfin/core/threads.h"
#include "deepfin/version.h"
#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace deepfin::cli {
namespace {

constexpr uint64_t kDefaultSeed = 42;

std::string gemm_description() {
  std::string providers;
  for (auto p : kernels::available_gemm_providers())
    providers += (providers.empty() ? "" : ", ") + std::string(kernels::gemm_provider_name(p));
  return fmt::format("{} ({})", kernels::gemm_provider_name(kernels::gemm_provider()), providers);
}

}  // namespace

uint64_t RunContext::apply(std::optional<int> job_threads, std::optional<uint64_t> job_seed) const {
  if (auto t = threads ? threads : job_threads) set_num_threads(*t);
  const uint64_t s = seed ? *seed : (job_seed ? *job_seed : kDefaultSeed);
  set_random_seed(s);
  const bool ref = kernels::reference_kernels_only();
  if (json()) {
    nlohmann::json header = {{"event", "run"},         {"version", DEEPFIN_VERSION},
                             {"threads", get_num_threads()}, {"seed", s},
                             {"gemm", gemm_description()}, {"reference_kernels", ref}};
    fmt::print("{}\n", header.dump());
  } else {
    fmt::print("deepfin {} | threads {} | seed {} | gemm {}{}\n", DEEPFIN_VERSION, get_num_threads(), s,
               gemm_description(), ref ? " | reference kernels" : "");
  }
  std::fflush(stdout);
  return s;
}

void print_event(const RunContext& ctx, const std::string& text, const std::string& json_line) {
  fmt::print("{}\n", ctx.json() ? json_line : text);
  std::fflush(stdout);
}

}  // namespace deepfin::cli
