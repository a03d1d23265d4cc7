// rotary_embedding: built from differentiable primitives (slice, concat, mul,
// add) over constant cos / sin tables, so its backward is theirs.
#include "deepfin/ops/rotary.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/shape_ops.h"

namespace deepfin {
namespace {

// cos and sin tables, (B or 1, 1, T, D): angle of column c is p * base^(-2 (c mod D/2) / D).
std::pair<Tensor, Tensor> rotary_tables(const Tensor& positions, int64_t batch, int64_t steps, int64_t dim, double base,
                                        DType dtype) {
  const bool per_row = positions.dim() == 2;
  const int64_t rows = per_row ? batch : 1;
  const Tensor pos = positions.contiguous();
  const int64_t* p = pos.data<int64_t>();
  const int64_t half = dim / 2;
  std::vector<double> c(static_cast<size_t>(rows * steps * dim)), s(c.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t t = 0; t < steps; ++t) {
      const double position = static_cast<double>(p[r * steps + t]);
      for (int64_t i = 0; i < half; ++i) {
        const double angle = position * std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(dim));
        const size_t at = static_cast<size_t>((r * steps + t) * dim + i);
        c[at] = c[at + half] = std::cos(angle);
        s[at] = s[at + half] = std::sin(angle);
      }
    }
  const Shape shape{rows, 1, steps, dim};
  return {from_vector(c, shape).to(dtype), from_vector(s, shape).to(dtype)};
}

}  // namespace

Tensor position_range(int64_t start, int64_t length) {
  std::vector<int64_t> p(static_cast<size_t>(length));
  for (int64_t i = 0; i < length; ++i) p[static_cast<size_t>(i)] = start + i;
  return from_vector(p, {length});
}

Tensor rotary_embedding(const Tensor& x, const Tensor& positions, double base) {
  if (x.dim() != 4)
    throw ShapeError(
        fmt::format("rotary_embedding: x must be (batch, heads, steps, head_dim), got {}", shape_str(x.shape())));
  const int64_t batch = x.size(0), steps = x.size(2), dim = x.size(3);
  if (dim % 2 != 0)
    throw ShapeError(fmt::format("rotary_embedding: head_dim must be even, got {} (x {})", dim, shape_str(x.shape())));
  if (positions.dtype() != DType::int64) throw ValueError("rotary_embedding: positions must be int64 token positions");
  const bool shape_ok = (positions.dim() == 1 && positions.size(0) == steps) ||
                        (positions.dim() == 2 && positions.size(0) == batch && positions.size(1) == steps);
  if (!shape_ok)
    throw ShapeError(fmt::format("rotary_embedding: positions must be ({}) or ({}, {}) for x {}, got {}", steps, batch,
                                 steps, shape_str(x.shape()), shape_str(positions.shape())));
  if (!(base > 1.0)) throw ValueError(fmt::format("rotary_embedding: base must be > 1, got {}", base));
  const auto [cos_table, sin_table] = rotary_tables(positions, batch, steps, dim, base, x.dtype());
  const int64_t half = dim / 2;
  const Tensor rotated = concat({neg(x.slice(3, half, dim)), x.slice(3, 0, half)}, 3);
  return add(mul(x, cos_table), mul(rotated, sin_table));
}

}  // namespace deepfin
