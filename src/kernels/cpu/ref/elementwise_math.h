#pragma once
// The scalar math of every element-wise op and its derivative, shared by the
// reference and optimized kernels so both compute the same function.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/elementwise_slots.h"

namespace deepfin::kernels::math {

template <class T>
inline T binary(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::add:
      return a + b;
    case BinaryOp::sub:
      return a - b;
    case BinaryOp::mul:
      return a * b;
    case BinaryOp::div:
      return a / b;
    case BinaryOp::pow:
      return static_cast<T>(std::pow(a, b));
    case BinaryOp::maximum:
      return a >= b ? a : b;
    case BinaryOp::minimum:
      return a <= b ? a : b;
    case BinaryOp::greater:
      return a > b ? T(1) : T(0);
    case BinaryOp::less:
      return a < b ? T(1) : T(0);
    case BinaryOp::equal:
      return a == b ? T(1) : T(0);
  }
  return T(0);
}

template <class T>
inline T sigmoid(T x) {
  // Never exponentiates a large positive number.
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

inline constexpr double kSqrtHalf = 0.70710678118654752440;     // 1/sqrt(2)
inline constexpr double kInvSqrt2Pi = 0.39894228040143267794;   // 1/sqrt(2 pi)
inline constexpr double kSqrt2OverPi = 0.79788456080286535588;  // sqrt(2/pi)
inline constexpr double kGeluCubic = 0.044715;

template <class T>
inline T unary(UnaryOp op, T x, T alpha, T beta) {
  switch (op) {
    case UnaryOp::neg:
      return -x;
    case UnaryOp::exp:
      return std::exp(x);
    case UnaryOp::log:
      return std::log(x);
    case UnaryOp::sqrt:
      return std::sqrt(x);
    case UnaryOp::abs:
      return std::abs(x);
    case UnaryOp::square:
      return x * x;
    case UnaryOp::clamp:
      return std::min(std::max(x, alpha), beta);
    case UnaryOp::add_scalar:
      return x + alpha;
    case UnaryOp::mul_scalar:
      return x * alpha;
    case UnaryOp::pow_scalar:
      return std::pow(x, alpha);
    case UnaryOp::relu:
      return x > T(0) ? x : T(0);
    case UnaryOp::leaky_relu:
      return x > T(0) ? x : alpha * x;
    case UnaryOp::elu:
      return x > T(0) ? x : alpha * std::expm1(x);
    case UnaryOp::sigmoid:
      return sigmoid(x);
    case UnaryOp::tanh:
      return std::tanh(x);
    case UnaryOp::gelu:
      return T(0.5) * x * (T(1) + std::erf(x * T(kSqrtHalf)));
    case UnaryOp::gelu_tanh: {
      const T inner = T(kSqrt2OverPi) * (x + T(kGeluCubic) * x * x * x);
      return T(0.5) * x * (T(1) + std::tanh(inner));
    }
    case UnaryOp::softplus:
      return std::max(x, T(0)) + std::log1p(std::exp(-std::abs(x)));
    case UnaryOp::sin:
      return std::sin(x);
    case UnaryOp::cos:
      return std::cos(x);
  }
  return T(0);
}

// d f(x) / dx, given x and y = f(x) (whichever the op needs).
template <class T>
inline T unary_derivative(UnaryOp op, T x, T y, T alpha, T beta) {
  switch (op) {
    case UnaryOp::neg:
      return T(-1);
    case UnaryOp::exp:
      return y;
    case UnaryOp::log:
      return T(1) / x;
    case UnaryOp::sqrt:
      return T(0.5) / y;
    case UnaryOp::abs:
      return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
    case UnaryOp::square:
      return T(2) * x;
    case UnaryOp::clamp:
      return (x >= alpha && x <= beta) ? T(1) : T(0);
    case UnaryOp::add_scalar:
      return T(1);
    case UnaryOp::mul_scalar:
      return alpha;
    case UnaryOp::pow_scalar:
      // d/dx x^0 is 0 everywhere, including x = 0 where the formula gives 0 * inf.
      return alpha == T(0) ? T(0) : alpha * std::pow(x, alpha - T(1));
    case UnaryOp::relu:
      return x > T(0) ? T(1) : T(0);
    case UnaryOp::leaky_relu:
      return x > T(0) ? T(1) : alpha;
    case UnaryOp::elu:
      return x > T(0) ? T(1) : alpha * std::exp(x);
    case UnaryOp::sigmoid:
      return y * (T(1) - y);
    case UnaryOp::tanh:
      return T(1) - y * y;
    case UnaryOp::gelu: {
      const T cdf = T(0.5) * (T(1) + std::erf(x * T(kSqrtHalf)));
      const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * x * x);
      return cdf + x * pdf;
    }
    case UnaryOp::gelu_tanh: {
      const T inner = T(kSqrt2OverPi) * (x + T(kGeluCubic) * x * x * x);
      const T t = std::tanh(inner);
      const T dinner = T(kSqrt2OverPi) * (T(1) + T(3 * kGeluCubic) * x * x);
      return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * dinner;
    }
    case UnaryOp::softplus:
      return sigmoid(x);
    case UnaryOp::sin:
      return std::cos(x);
    case UnaryOp::cos:
      return -std::sin(x);
  }
  (void)beta;
  return T(0);
}

}  // namespace deepfin::kernels::math
