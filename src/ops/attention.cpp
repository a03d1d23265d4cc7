// deepfin::attention / attention_with_scores: argument checks, then the fused kernels
// (kernels/attention_slots.h) recorded as ONE autograd node that keeps q, k, v,
// the output and the per-row log-sum-exp; backward recomputes the probabilities.
#include "deepfin/ops/attention.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "deepfin/autograd/node.h"
#include "deepfin/core/random.h"
#include "kernels/attention_slots.h"

namespace deepfin {
namespace {

constexpr const char* kOp = "attention";

std::string describe(const Tensor& t) {
  return t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor");
}

// Whether t (B, H, T, D) is a (B, T, H, D) buffer seen through permute(0, 2, 1, 3),
// the way MultiHeadAttention's projections arrive.
bool heads_interleaved(const Tensor& t) {
  const Shape& n = t.shape();
  const Strides& s = t.strides();
  // A size-1 axis is never stepped along, so its stride does not matter.
  const auto fits = [&](int axis, int64_t stride) { return n[axis] == 1 || s[axis] == stride; };
  return fits(3, 1) && fits(2, n[1] * n[3]) && fits(1, n[3]) && fits(0, n[1] * n[2] * n[3]);
}

// The kernels' layout of an operand: interleaved heads, or contiguous (B, H, T, D).
kernels::AttentionLayout layout(bool interleaved, int64_t t, int64_t d, int64_t heads) {
  if (!interleaved) return {};
  return {t * heads * d, d, heads * d};
}

// The kernels' read of t: t itself when its heads are interleaved (no copy), else contiguous.
Tensor operand(const Tensor& t, bool& interleaved) {
  interleaved = heads_interleaved(t);
  return interleaved ? t.detach() : t.detach().contiguous();
}

// An uninitialized (B, H, T, D) tensor, heads interleaved or contiguous.
Tensor empty_operand(const Shape& bhtd, bool interleaved, DType dt) {
  if (!interleaved) return Tensor::empty(bhtd, dt);
  return Tensor::empty({bhtd[0], bhtd[2], bhtd[1], bhtd[3]}, dt).permute({0, 2, 1, 3});
}

// What the kernels need, detached and contiguous in the op's dtype.
struct Prepared {
  int64_t batch = 0, heads = 0, tq = 0, tk = 0, dk = 0, dv = 0;
  double scale = 1, dropout = 0;
  bool causal = false;
  uint64_t seed = 0;
  Tensor q, k, v, mask;
  bool q_interleaved = false, k_interleaved = false, v_interleaved = false;
  int64_t mask_strides[4] = {0, 0, 0, 0};

  template <class T>
  kernels::AttentionArgs<T> args() const {
    kernels::AttentionArgs<T> a;
    a.batch = batch;
    a.heads = heads;
    a.tq = tq;
    a.tk = tk;
    a.dk = dk;
    a.dv = dv;
    a.scale = static_cast<T>(scale);
    a.causal = causal;
    a.dropout = dropout;
    a.seed = seed;
    a.q = q.data<T>();
    a.k = k.data<T>();
    a.v = v.data<T>();
    a.q_layout = layout(q_interleaved, tq, dk, heads);
    a.k_layout = layout(k_interleaved, tk, dk, heads);
    a.v_layout = layout(v_interleaved, tk, dv, heads);
    a.o_layout = layout(q_interleaved, tq, dv, heads);  // the output follows q's layout
    a.mask = mask.defined() ? mask.data<T>() : nullptr;
    for (int d = 0; d < 4; ++d) a.mask_strides[d] = mask_strides[d];
    return a;
  }
};

void check_inputs(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, const AttentionOptions& o) {
  for (const auto& [t, what] : {std::pair{&q, "q"}, {&k, "k"}, {&v, "v"}})
    if (!t->defined() || t->dim() != 4)
      throw ShapeError(fmt::format("{}: {} must be 4-D (batch, heads, time, depth), got {}", kOp, what, describe(*t)));
  dispatch_floating(kOp, q.dtype(), [](auto) {});
  if (k.dtype() != q.dtype() || v.dtype() != q.dtype())
    throw DTypeError(fmt::format("{}: q, k and v must share a dtype, got {}, {} and {}", kOp, dtype_name(q.dtype()),
                                 dtype_name(k.dtype()), dtype_name(v.dtype())));
  const auto same = [](const Tensor& a, const Tensor& b, int64_t axis) { return a.size(axis) == b.size(axis); };
  if (!same(q, k, 0) || !same(q, k, 1) || !same(q, v, 0) || !same(q, v, 1) || !same(k, v, 2) || !same(q, k, 3))
    throw ShapeError(fmt::format(
        "{}: shapes do not fit: q {}, k {}, v {}; need q (B, H, Tq, Dk), k (B, H, Tk, Dk), v (B, H, Tk, Dv)", kOp,
        shape_str(q.shape()), shape_str(k.shape()), shape_str(v.shape())));
  if (q.size(3) == 0 || k.size(2) == 0)
    throw ShapeError(fmt::format("{}: q {} and k {} need a nonzero depth and at least one key", kOp,
                                 shape_str(q.shape()), shape_str(k.shape())));
  if (!(o.dropout >= 0.0 && o.dropout < 1.0))
    throw ValueError(fmt::format("{}: dropout must be in [0, 1), got {}", kOp, o.dropout));
  if (!(o.scale >= 0.0) || !std::isfinite(o.scale))
    throw ValueError(fmt::format("{}: scale must be a finite number >= 0 (0 = 1/sqrt(Dk)), got {}", kOp, o.scale));
  if (!mask.defined()) return;
  const Shape full{q.size(0), q.size(1), q.size(2), k.size(2)};
  bool fits = mask.dim() <= 4;
  for (int64_t d = 0; fits && d < mask.dim(); ++d) {
    const int64_t m = mask.size(mask.dim() - 1 - d), f = full[3 - d];
    fits = m == f || m == 1;
  }
  if (!fits)
    throw ShapeError(fmt::format("{}: mask {} does not broadcast to (B, H, Tq, Tk) = {} (q {}, k {})", kOp,
                                 shape_str(mask.shape()), shape_str(full), shape_str(q.shape()), shape_str(k.shape())));
}

Prepared prepare(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, const AttentionOptions& o) {
  check_inputs(q, k, v, mask, o);
  const DType dt = q.dtype();
  Prepared p;
  p.batch = q.size(0);
  p.heads = q.size(1);
  p.tq = q.size(2);
  p.tk = k.size(2);
  p.dk = q.size(3);
  p.dv = v.size(3);
  p.scale = o.scale > 0 ? o.scale : 1.0 / std::sqrt(static_cast<double>(p.dk));
  p.causal = o.causal;
  if (o.training && o.dropout > 0) {
    p.dropout = o.dropout;
    p.seed = default_generator().next_u64();
  }
  p.q = operand(q, p.q_interleaved);
  p.k = operand(k, p.k_interleaved);
  p.v = operand(v, p.v_interleaved);
  if (mask.defined()) {
    // Mask values become 0/1 in the op's dtype; broadcast axes get stride 0.
    p.mask = mask.detach().to(dt).contiguous();
    const int64_t lead = 4 - mask.dim();
    const Strides& s = p.mask.strides();
    for (int64_t d = 0; d < mask.dim(); ++d) p.mask_strides[lead + d] = mask.size(d) == 1 ? 0 : s[d];
  }
  return p;
}

std::pair<Tensor, Tensor> run(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                              const AttentionOptions& o, bool want_scores) {
  auto p = std::make_shared<Prepared>(prepare(q, k, v, mask, o));
  const DType dt = q.dtype();
  Tensor out = empty_operand({p->batch, p->heads, p->tq, p->dv}, p->q_interleaved, dt);
  Tensor lse = Tensor::empty({p->batch, p->heads, p->tq}, dt);
  Tensor scores = want_scores ? Tensor::empty({p->batch, p->heads, p->tq, p->tk}, dt) : Tensor();
  dispatch_floating(kOp, dt, [&](auto tag) {
    using T = decltype(tag);
    kernels::attention_forward_slot<T>().select()(p->template args<T>(), out.data<T>(), lse.data<T>(),
                                                  want_scores ? scores.data<T>() : nullptr);
  });
  const Tensor saved_out = out.detach();  // its own handle: capturing `out` itself would be a cycle
  out = record(kOp, out, {q, k, v}, [p, saved_out, lse](const Tensor& g) -> std::vector<Tensor> {
    // The gradients take their operand's layout, so they flow back through the
    // projections' permute and reshape as views.
    bool g_interleaved = false;
    const Tensor gc = operand(g, g_interleaved);
    Tensor dq = empty_operand(p->q.shape(), p->q_interleaved, p->q.dtype());
    Tensor dk = empty_operand(p->k.shape(), p->k_interleaved, p->q.dtype());
    Tensor dv = empty_operand(p->v.shape(), p->v_interleaved, p->q.dtype());
    dispatch_floating("attention backward", p->q.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::AttentionArgs<T> a = p->template args<T>();
      a.g_layout = layout(g_interleaved, p->tq, p->dv, p->heads);
      kernels::attention_backward_slot<T>().select()(a, saved_out.data<T>(), lse.data<T>(), gc.data<T>(), dq.data<T>(),
                                                     dk.data<T>(), dv.data<T>());
    });
    return {dq, dk, dv};
  });
  return {out, scores};
}

}  // namespace

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, const AttentionOptions& o) {
  return run(q, k, v, mask, o, false).first;
}

std::pair<Tensor, Tensor> attention_with_scores(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                                const AttentionOptions& o) {
  return run(q, k, v, mask, o, true);
}

}  // namespace deepfin
