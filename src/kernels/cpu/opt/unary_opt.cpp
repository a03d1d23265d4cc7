// Optimized float32 unary kernels: the op is a template parameter, so each
// inner loop is branch-free on the op and vectorizable; blocks go to threads.
#include <algorithm>
#include <type_traits>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/opt/elementwise_parallel.h"
#include "kernels/cpu/ref/elementwise_math.h"

namespace deepfin::kernels::opt {
namespace {

template <UnaryOp Op>
using OpTag = std::integral_constant<UnaryOp, Op>;

// Calls fn(OpTag<op>{}) so the body is compiled once per op.
template <class Fn>
void with_op(UnaryOp op, Fn&& fn) {
  switch (op) {
#define DEEPFIN_UNARY_CASE(name) \
  case UnaryOp::name:            \
    return fn(OpTag<UnaryOp::name>{});
    DEEPFIN_UNARY_CASE(neg)
    DEEPFIN_UNARY_CASE(exp)
    DEEPFIN_UNARY_CASE(log)
    DEEPFIN_UNARY_CASE(sqrt)
    DEEPFIN_UNARY_CASE(abs)
    DEEPFIN_UNARY_CASE(square)
    DEEPFIN_UNARY_CASE(clamp)
    DEEPFIN_UNARY_CASE(add_scalar)
    DEEPFIN_UNARY_CASE(mul_scalar)
    DEEPFIN_UNARY_CASE(pow_scalar)
    DEEPFIN_UNARY_CASE(relu)
    DEEPFIN_UNARY_CASE(leaky_relu)
    DEEPFIN_UNARY_CASE(elu)
    DEEPFIN_UNARY_CASE(sigmoid)
    DEEPFIN_UNARY_CASE(tanh)
    DEEPFIN_UNARY_CASE(gelu)
    DEEPFIN_UNARY_CASE(gelu_tanh)
    DEEPFIN_UNARY_CASE(softplus)
    DEEPFIN_UNARY_CASE(sin)
    DEEPFIN_UNARY_CASE(cos)
#undef DEEPFIN_UNARY_CASE
  }
}

// Rough scalar-operation cost per element, for the threading cut-off.
int64_t cost_per_element(UnaryOp op) {
  switch (op) {
    case UnaryOp::neg:
    case UnaryOp::abs:
    case UnaryOp::square:
    case UnaryOp::clamp:
    case UnaryOp::add_scalar:
    case UnaryOp::mul_scalar:
    case UnaryOp::relu:
    case UnaryOp::leaky_relu:
      return 1;
    default:
      return 16;  // a transcendental function
  }
}

}  // namespace

void unary_ew(UnaryOp op, int64_t n, const float* x, float* y, float alpha, float beta) {
  with_op(op, [&](auto tag) {
    constexpr UnaryOp kOp = decltype(tag)::value;
    for_each_block(block_count(n), worth_parallel(n * cost_per_element(op)), [&](int64_t blk) {
      const int64_t start = blk * kBlock, end = std::min(n, start + kBlock);
#pragma omp simd
      for (int64_t i = start; i < end; ++i) y[i] = math::unary(kOp, x[i], alpha, beta);
    });
  });
}

void unary_ew_backward(UnaryOp op, int64_t n, const float* x, const float* y, const float* dy, float* dx, float alpha,
                       float beta) {
  with_op(op, [&](auto tag) {
    constexpr UnaryOp kOp = decltype(tag)::value;
    // Point unused inputs at dy so the loop needs no null checks.
    const float* xs = x ? x : dy;
    const float* ys = y ? y : dy;
    for_each_block(block_count(n), worth_parallel(n * cost_per_element(op)), [&](int64_t blk) {
      const int64_t start = blk * kBlock, end = std::min(n, start + kBlock);
#pragma omp simd
      for (int64_t i = start; i < end; ++i) dx[i] = dy[i] * math::unary_derivative(kOp, xs[i], ys[i], alpha, beta);
    });
  });
}

}  // namespace deepfin::kernels::opt
