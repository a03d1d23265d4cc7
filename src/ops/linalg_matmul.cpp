// matmul: NumPy-style batched matrix product through the GEMM seam.
// Operands are handed to GEMM in place when their last two axes allow it (a
// transposed view becomes a transpose flag), and copied only otherwise.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "deepfin/autograd/node.h"
#include "deepfin/base/threads.h"
#include "deepfin/ops/linalg.h"
#include "kernels/gemm.h"

namespace deepfin {
namespace {

// How GEMM reads one matrix: the transpose flag and its leading dimension.
struct GemmLayout {
  bool trans;
  int64_t ld;
};

// The GEMM view of a (rows, cols) block with strides (rs, cs), if there is one.
// BLAS requires ld >= the stored row length, so unit axes get a legal stride.
std::optional<GemmLayout> gemm_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if (cs == 1 || cols == 1) {
    const int64_t ld = rows == 1 ? std::max<int64_t>(cols, 1) : rs;
    if (ld >= std::max<int64_t>(cols, 1)) return GemmLayout{false, ld};
  }
  if (rs == 1 || rows == 1) {
    const int64_t ld = cols == 1 ? std::max<int64_t>(rows, 1) : cs;
    if (ld >= std::max<int64_t>(rows, 1)) return GemmLayout{true, ld};
  }
  return std::nullopt;
}

// The operand as GEMM will read it: the tensor itself, or a contiguous copy.
struct Operand {
  Tensor t;
  GemmLayout layout;
};

Operand prepare(const Tensor& x) {
  const int64_t d = x.dim();
  if (auto l = gemm_layout(x.size(-2), x.size(-1), x.strides()[d - 2], x.strides()[d - 1])) return {x, *l};
  Tensor c = x.contiguous();
  return {c, GemmLayout{false, std::max<int64_t>(c.size(-1), 1)}};
}

// Element offset of batch index `flat` (row-major over `batch`) in `x`, whose
// batch axes are right-aligned to `batch` and broadcast where they have size 1.
int64_t batch_offset(const Tensor& x, const Shape& batch, int64_t flat) {
  const int64_t x_batch_dims = x.dim() - 2;
  int64_t offset = 0;
  for (int64_t d = static_cast<int64_t>(batch.size()) - 1; d >= 0; --d) {
    const int64_t idx = flat % batch[d];
    flat /= batch[d];
    const int64_t xd = d - (static_cast<int64_t>(batch.size()) - x_batch_dims);
    if (xd >= 0 && x.shape()[xd] != 1) offset += idx * x.strides()[xd];
  }
  return offset;
}

template <class T>
void batched_matmul(const Tensor& a_in, const Tensor& b_in, const Shape& batch, Tensor& out) {
  const int64_t m = a_in.size(-2), k = a_in.size(-1), n = b_in.size(-1);
  const int64_t batch_count = shape_numel(batch);
  T* c = out.data<T>();
  if (m == 0 || n == 0 || batch_count == 0) return;
  const Operand a = prepare(a_in), b = prepare(b_in);
  const T* pa = a.t.template data<T>();
  const T* pb = b.t.template data<T>();

  // A contiguous `a` against one shared `b` is one tall GEMM (the Dense-layer case).
  const bool b_shared = shape_numel(Shape(b_in.shape().begin(), b_in.shape().end() - 2)) == 1;
  if (b_shared && a.t.is_contiguous() && a.t.numel() == batch_count * m * k) {
    kernels::gemm(false, b.layout.trans, batch_count * m, n, k, T(1), pa, std::max<int64_t>(k, 1), pb, b.layout.ld,
                  T(0), c, n);
    return;
  }
  // Many small products: one per thread. Large ones: one at a time, each threaded by GEMM.
  // An exception must not escape the parallel region (that would terminate the
  // process): the first one is kept and rethrown after it.
  const bool small = kernels::detail::gemm_threads(m, n, k) == 1;
  std::exception_ptr error;
#pragma omp parallel for if (small && batch_count > 1 && worth_parallel(batch_count * m * n * k))
  for (int64_t i = 0; i < batch_count; ++i) {
    try {
      kernels::gemm(a.layout.trans, b.layout.trans, m, n, k, T(1), pa + batch_offset(a.t, batch, i), a.layout.ld,
                    pb + batch_offset(b.t, batch, i), b.layout.ld, T(0), c + i * m * n, n);
    } catch (...) {
#pragma omp critical(deepfin_matmul_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

Tensor swap_last_two(const Tensor& x) {
  return x.transpose(x.dim() - 2, x.dim() - 1);
}

// Both operands have at least two axes here.
Tensor matmul_nd(const Tensor& a, const Tensor& b) {
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  if (as[as.size() - 1] != bs[bs.size() - 2]) {
    throw ShapeError(fmt::format("matmul: inner dimensions differ: a {} @ b {} ({} != {})", shape_str(as),
                                 shape_str(bs), as.back(), bs[bs.size() - 2]));
  }
  Shape batch;
  try {
    batch = broadcast_shapes(Shape(as.begin(), as.end() - 2), Shape(bs.begin(), bs.end() - 2), "matmul");
  } catch (const ShapeError&) {
    throw ShapeError(fmt::format("matmul: batch axes of a {} and b {} do not broadcast", shape_str(as), shape_str(bs)));
  }
  Shape out_shape = batch;
  out_shape.push_back(as[as.size() - 2]);
  out_shape.push_back(bs.back());
  Tensor out = Tensor::empty(out_shape, a.dtype());
  dispatch_floating("matmul", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    batched_matmul<T>(a.detach(), b.detach(), batch, out);
  });
  return record("matmul", out, {a, b}, [a, b](const Tensor& g) {
    Tensor ga, gb;
    if (a.requires_grad()) ga = sum_to_shape(matmul_nd(g, swap_last_two(b)), a.shape());
    if (b.requires_grad()) gb = sum_to_shape(matmul_nd(swap_last_two(a), g), b.shape());
    return std::vector<Tensor>{ga, gb};
  });
}

void check_operands(const Tensor& a, const Tensor& b) {
  dispatch_floating("matmul", a.dtype(), [](auto) {});
  if (a.dtype() != b.dtype()) {
    throw DTypeError(fmt::format("matmul: operands differ in dtype: a is {}, b is {}", dtype_name(a.dtype()),
                                 dtype_name(b.dtype())));
  }
  if (a.dim() == 0 || b.dim() == 0) {
    throw ShapeError(fmt::format("matmul: operands must have at least one axis, got a {} and b {}",
                                 shape_str(a.shape()), shape_str(b.shape())));
  }
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_operands(a, b);
  // NumPy promotion: a 1-D `a` is a row, a 1-D `b` a column; the added axis is dropped after.
  const bool a_vector = a.dim() == 1, b_vector = b.dim() == 1;
  if (a_vector && b_vector && a.size(0) != b.size(0)) {
    throw ShapeError(
        fmt::format("matmul: inner dimensions differ: a {} @ b {}", shape_str(a.shape()), shape_str(b.shape())));
  }
  try {
    Tensor out = matmul_nd(a_vector ? a.unsqueeze(0) : a, b_vector ? b.unsqueeze(1) : b);
    if (b_vector) out = out.squeeze(-1);
    if (a_vector) out = out.squeeze(-2 + (b_vector ? 1 : 0));
    return out;
  } catch (const ShapeError& e) {
    if (!a_vector && !b_vector) throw;
    // Name the shapes the user passed, not the promoted ones.
    throw ShapeError(
        fmt::format("{} (promoted from a {}, b {})", e.what(), shape_str(a.shape()), shape_str(b.shape())));
  }
}

}  // namespace deepfin
