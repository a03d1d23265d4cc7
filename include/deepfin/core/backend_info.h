#pragma once
// What the compute backend is doing, for run headers and logs: the GEMM
// provider in effect and whether the plain reference kernels are forced.
#include <string>

namespace deepfin {

// e.g. "automatic (reference, openblas, blis, onednn)": the mode, then every provider compiled in.
std::string gemm_provider_summary();
// True when DEEPFIN_REFERENCE_KERNELS=1 (or the test hook) makes every op run its reference kernel.
bool reference_kernels_enabled();

}  // namespace deepfin
