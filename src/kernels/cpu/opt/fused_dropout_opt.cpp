#include "kernels/cpu/opt/fused_dropout_opt.h"

#include <cstdint>
#include <type_traits>

#include "kernels/cpu/opt/elementwise_parallel.h"
#include "kernels/cpu/opt/fast_math.h"

namespace deepfin::kernels::opt {
namespace {

constexpr float kInvSqrt2 = 0.70710678118654752440f;
constexpr float kInvSqrt2Pi = 0.39894228040143267794f;

struct Identity {
  static float value(float x) { return x; }
  static float slope(float) { return 1.0f; }
};
struct Relu {
  static float value(float x) { return x > 0.0f ? x : 0.0f; }
  static float slope(float x) { return x > 0.0f ? 1.0f : 0.0f; }
};
struct Gelu {
  static float value(float x) {
    float gauss;
    return 0.5f * x * (1.0f + erf_with_gauss(x * kInvSqrt2, gauss));
  }
  static float slope(float x) {  // Phi(x) + x phi(x); e^{-(x / sqrt 2)^2} = e^{-x^2 / 2}
    float gauss;
    const float cdf = 0.5f * (1.0f + erf_with_gauss(x * kInvSqrt2, gauss));
    return cdf + x * kInvSqrt2Pi * gauss;
  }
};

// Elements [begin, end) of one block (the block never straddles 2^32).
template <class Act, bool kDropout, bool kResidual>
void forward_span(const EpilogueForward<float>& a, int64_t begin, int64_t end) {
  const uint32_t key = epilogue_block_key(a.dropout, static_cast<uint64_t>(begin));
  const uint32_t threshold = a.dropout.threshold;
  const auto scale = static_cast<float>(a.dropout.keep_scale);
  const float* x = a.x;
  const float* res = a.residual;
  float* out = a.out;
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    float v = Act::value(x[i]);
    if constexpr (kDropout) v *= epilogue_keep(key, threshold, static_cast<uint64_t>(i)) ? scale : 0.0f;
    if constexpr (kResidual) v += res[i];
    out[i] = v;
  }
}

template <class Act, bool kDropout>
void backward_span(const EpilogueBackward<float>& a, int64_t begin, int64_t end) {
  const uint32_t key = epilogue_block_key(a.dropout, static_cast<uint64_t>(begin));
  const uint32_t threshold = a.dropout.threshold;
  const auto scale = static_cast<float>(a.dropout.keep_scale);
  const float* x = a.x;
  const float* dy = a.dy;
  float* dx = a.dx;
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    float g = dy[i];
    if constexpr (!std::is_same_v<Act, Identity>) g *= Act::slope(x[i]);
    if constexpr (kDropout) g *= epilogue_keep(key, threshold, static_cast<uint64_t>(i)) ? scale : 0.0f;
    dx[i] = g;
  }
}

template <class Span, class Args>
void run_blocks(const Args& a, Span span) {
  const int64_t blocks = block_count(a.n);
  for_each_block(blocks, worth_parallel(a.n), [&](int64_t b) {
    const int64_t begin = b * kBlock;
    span(a, begin, begin + kBlock < a.n ? begin + kBlock : a.n);
  });
}

template <class Act>
void forward_for(const EpilogueForward<float>& a) {
  const bool drop = a.dropout.active, res = a.residual != nullptr;
  if (drop && res) run_blocks(a, forward_span<Act, true, true>);
  if (drop && !res) run_blocks(a, forward_span<Act, true, false>);
  if (!drop && res) run_blocks(a, forward_span<Act, false, true>);
  if (!drop && !res) run_blocks(a, forward_span<Act, false, false>);
}

template <class Act>
void backward_for(const EpilogueBackward<float>& a) {
  if (a.dropout.active)
    run_blocks(a, backward_span<Act, true>);
  else
    run_blocks(a, backward_span<Act, false>);
}

}  // namespace

float erf_approx(float x) {
  float gauss;
  return erf_with_gauss(x, gauss);
}

void epilogue_forward(const EpilogueForward<float>& a) {
  switch (a.activation) {
    case EpilogueActivation::identity:
      return forward_for<Identity>(a);
    case EpilogueActivation::relu:
      return forward_for<Relu>(a);
    case EpilogueActivation::gelu:
      return forward_for<Gelu>(a);
  }
}

void epilogue_backward(const EpilogueBackward<float>& a) {
  switch (a.activation) {
    case EpilogueActivation::identity:
      return backward_for<Identity>(a);
    case EpilogueActivation::relu:
      return backward_for<Relu>(a);
    case EpilogueActivation::gelu:
      return backward_for<Gelu>(a);
  }
}

}  // namespace deepfin::kernels::opt
