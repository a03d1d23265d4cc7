// Core reports on the kernels floor below it, through the kernels seam.
#include "deepfin/core/backend_info.h"

#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace deepfin {

std::string gemm_provider_summary() {
  std::string providers;
  for (auto p : kernels::available_gemm_providers())
    providers += (providers.empty() ? "" : ", ") + std::string(kernels::gemm_provider_name(p));
  return std::string(kernels::gemm_provider_name(kernels::gemm_provider())) + " (" + providers + ")";
}

bool reference_kernels_enabled() {
  return kernels::reference_kernels_only();
}

}  // namespace deepfin
