// GFLOP/s of every GEMM provider on the seed CNN's GEMM shapes (and a big square
// one), plus the conv2d op forward + backward at batch 32. The per-shape winners
// feed choose_gemm_provider(); see docs/gemm_providers.md for the table.
//
//   DEEPFIN_NUM_THREADS=2 ./build/release/bench/bench_gemm_conv
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/base/threads.h"
#include "deepfin/ops/conv.h"
#include "kernels/dispatch.h"
#include "kernels/gemm.h"

namespace {

using deepfin::kernels::GemmProvider;

struct GemmShape {
  const char* name;
  bool trans_a, trans_b;
  int64_t m, n, k;
};

// Seed CNN: Conv2D(32, 3x3) on 28x28x1 at batch 32 (M = 32 * 26 * 26 = 21632),
// then Dense 5408 -> 10 at batch 32, each with its gradient GEMMs.
const std::vector<GemmShape> kShapes = {
    {"conv_fwd", false, false, 21632, 32, 9},     // patches @ W
    {"conv_dW", true, false, 9, 32, 21632},       // patches^T @ dY
    {"conv_dX", false, true, 21632, 9, 32},       // dY @ W^T (col2im input)
    {"dense_fwd", false, false, 32, 10, 5408},    // x @ W
    {"dense_dX", false, true, 32, 5408, 10},      // dY @ W^T
    {"dense_dW", true, false, 5408, 10, 32},      // x^T @ dY
    {"square_512", false, false, 512, 512, 512},  // a big square GEMM
    {"square_128", false, false, 128, 128, 128},  // a mid-size one
};

std::vector<float> random_floats(int64_t n) {
  deepfin::Generator gen(1);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(gen.uniform(-1, 1));
  return v;
}

void set_gflops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * static_cast<double>(state.iterations()) * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

void bench_gemm(benchmark::State& state, GemmShape s, GemmProvider p) {
  const auto a = random_floats(s.m * s.k), b = random_floats(s.k * s.n);
  std::vector<float> c(s.m * s.n);
  const int64_t lda = s.trans_a ? s.m : s.k, ldb = s.trans_b ? s.k : s.n;
  for (auto _ : state) {
    deepfin::kernels::sgemm(s.trans_a, s.trans_b, s.m, s.n, s.k, 1.f, a.data(), lda, b.data(), ldb, 0.f, c.data(), s.n,
                            p);
    benchmark::DoNotOptimize(c.data());
  }
  set_gflops(state, 2.0 * s.m * s.n * s.k);
  state.SetLabel(deepfin::kernels::gemm_provider_name(
      p == GemmProvider::automatic ? deepfin::kernels::choose_gemm_provider(s.m, s.n, s.k) : p));
}

// Conv2D(32, 3x3, valid) on (32, 28, 28, 1) with bias, forward and the backward
// the seed CNN runs (kernel and bias gradients; the input needs none).
void bench_conv2d(benchmark::State& state, GemmProvider p, bool reference_kernels) {
  deepfin::kernels::set_gemm_provider(p);
  deepfin::kernels::set_reference_kernels_only(reference_kernels);
  deepfin::Generator gen(2);
  const deepfin::Tensor x = deepfin::rand_uniform({32, 28, 28, 1}, 0, 1, deepfin::DType::float32, &gen);
  deepfin::Tensor k = deepfin::rand_uniform({3, 3, 1, 32}, -0.3, 0.3, deepfin::DType::float32, &gen);
  deepfin::Tensor b = deepfin::zeros({32});
  k.set_requires_grad(true);
  b.set_requires_grad(true);
  const deepfin::Tensor gy = deepfin::rand_uniform({32, 26, 26, 32}, -1, 1, deepfin::DType::float32, &gen);
  for (auto _ : state) {
    deepfin::Tensor y = deepfin::conv2d(x, k, b);
    y.backward(gy);
    k.zero_grad();
    b.zero_grad();
  }
  // Forward M*N*K plus the weight gradient's K*N*M multiply-adds.
  set_gflops(state, 2.0 * 2.0 * 21632 * 32 * 9);
  deepfin::kernels::set_gemm_provider(GemmProvider::automatic);
  deepfin::kernels::set_reference_kernels_only(false);
}

void register_all() {
  std::vector<GemmProvider> providers = deepfin::kernels::available_gemm_providers();
  providers.push_back(GemmProvider::automatic);
  for (const GemmShape& s : kShapes) {
    for (GemmProvider p : providers) {
      // The triple loop is too slow to time on the big square shape.
      if (p == GemmProvider::reference && s.m * s.n * s.k > (int64_t{1} << 25)) continue;
      const std::string name = std::string("gemm/") + s.name + "/" + deepfin::kernels::gemm_provider_name(p);
      benchmark::RegisterBenchmark(name.c_str(), bench_gemm, s, p)->Unit(benchmark::kMicrosecond);
    }
  }
  for (GemmProvider p : providers) {
    if (p == GemmProvider::reference) continue;
    const std::string name =
        std::string("conv2d_fwd_bwd/b32_28x28x1_3x3x32/") + deepfin::kernels::gemm_provider_name(p);
    benchmark::RegisterBenchmark(name.c_str(), bench_conv2d, p, false)->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("conv2d_fwd_bwd/b32_28x28x1_3x3x32/reference_kernels", bench_conv2d,
                               GemmProvider::automatic, true)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("deepfin_threads", std::to_string(deepfin::get_num_threads()));
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
