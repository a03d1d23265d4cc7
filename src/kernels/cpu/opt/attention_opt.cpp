#include "kernels/cpu/opt/attention_opt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/cpu/opt/fast_math.h"
#include "kernels/cpu/ref/attention_common.h"
#include "kernels/cpu/ref/attention_ref.h"
#include "kernels/gemm.h"

namespace deepfin::kernels::opt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Per-thread scratch: three (key block x query block) tiles and per-query
// vectors. thread_local and only growing: a training step calls the kernels
// many times, and fresh 64 KB tiles each time cost page faults and memsets
// that dwarf small problems.
struct Scratch {
  float *s, *p, *dp, *row, *block_max, *corr, *sum;
  explicit Scratch(const AttentionArgs<float>& a) {
    thread_local std::vector<float> buffer;
    const int64_t mq = std::min(a.tq, kAttentionQueryBlock);
    const int64_t tile = mq * std::min(a.tk, kAttentionKeyBlock);
    const size_t need = static_cast<size_t>(3 * tile + std::max(a.tq, int64_t{1}) + 3 * mq);
    if (buffer.size() < need) buffer.resize(need);
    s = buffer.data();
    p = s + tile;
    dp = p + tile;
    row = dp + tile;
    block_max = row + std::max(a.tq, int64_t{1});
    corr = block_max + mq;
    sum = corr + mq;
  }
};

// One tile: queries i0 .. i0 + mq, keys j0 .. j0 + nb of pair bh.
struct Tile {
  int64_t bh, b, h, i0, mq, j0, nb;
};

// One pair's operands: base pointers and row strides (AttentionLayout).
struct Pair {
  const float *q, *k, *v;
  int64_t rq, rk, rv;
};

// Tiles are stored key-major, (nb, mq) with row stride mq: element (j, i) is
// key j0 + j against query i0 + i. Per-query reductions (max, sum over keys) are
// then vertical vector operations across key rows, not a horizontal reduction
// per 64-element row, which at T = 64 cost more than the tile GEMMs.

// w.s = scale k qᵀ over the tile, -inf where a key is not visible.
void tile_scores(const AttentionArgs<float>& a, const Tile& t, const Pair& x, Scratch& w) {
  sgemm(false, true, t.nb, t.mq, a.dk, a.scale, x.k + t.j0 * x.rk, x.rk, x.q + t.i0 * x.rq, x.rq, 0.f, w.s, t.mq);
  if (a.causal)  // key j0 + j is hidden from queries i0 + i < j0 + j
    for (int64_t j = 0; j < t.nb; ++j)
      for (int64_t i = 0; i < std::min(t.mq, t.j0 + j - t.i0); ++i) w.s[j * t.mq + i] = kNegInf;
  if (a.mask) {
    const int64_t* st = a.mask_strides;
    const float* m0 = a.mask + t.b * st[0] + t.h * st[1] + t.i0 * st[2] + t.j0 * st[3];
    for (int64_t j = 0; j < t.nb; ++j)
      for (int64_t i = 0; i < t.mq; ++i)
        if (m0[i * st[2] + j * st[3]] == 0.f) w.s[j * t.mq + i] = kNegInf;
  }
}

// Dropout factors of key row j (queries i0 .. i0 + mq) into z.
void key_row_dropout(const AttentionArgs<float>& a, const Tile& t, int64_t j, float* z) {
  const AttentionDropout drop(a.seed, a.dropout);
  const float scale = static_cast<float>(drop.keep_scale);
  const uint64_t base = static_cast<uint64_t>((t.bh * a.tq + t.i0) * a.tk + t.j0 + j);
  const uint64_t stride = static_cast<uint64_t>(a.tk);
#pragma omp simd
  for (int64_t i = 0; i < t.mq; ++i) z[i] = drop.keep(base + static_cast<uint64_t>(i) * stride) ? scale : 0.f;
}

// Causal tiles whose first key lies after their last query are empty.
bool tile_hidden(const AttentionArgs<float>& a, int64_t i0, int64_t mq, int64_t j0) {
  return a.causal && j0 > i0 + mq - 1;
}

// The online-softmax step of one tile: updates the running max m and sum l of
// its queries, rescales their output rows, and leaves P ⊙ Z in w.p.
void softmax_tile(const AttentionArgs<float>& a, const Tile& t, float* m, float* l, float* o, int64_t ro, Scratch& w) {
  const int64_t mq = t.mq;
  float* bmax = w.block_max;
  float* corr = w.corr;
  float* sum = w.sum;
  std::fill(bmax, bmax + mq, kNegInf);
  std::fill(sum, sum + mq, 0.f);
  for (int64_t j = 0; j < t.nb; ++j) {
    const float* srow = w.s + j * mq;
#pragma omp simd
    for (int64_t i = 0; i < mq; ++i) bmax[i] = srow[i] > bmax[i] ? srow[i] : bmax[i];
  }
#pragma omp simd
  for (int64_t i = 0; i < mq; ++i) {
    const float new_m = m[i] > bmax[i] ? m[i] : bmax[i];
    corr[i] = m[i] == kNegInf ? 0.f : exp_approx(m[i] - new_m);
    bmax[i] = new_m;  // the shift; -inf while nothing is visible
  }
  for (int64_t j = 0; j < t.nb; ++j) {
    const float* srow = w.s + j * mq;
    float* prow = w.p + j * mq;
#pragma omp simd
    for (int64_t i = 0; i < mq; ++i) {
      const float e = srow[i] == kNegInf ? 0.f : exp_approx(srow[i] - bmax[i]);
      prow[i] = e;
      sum[i] += e;
    }
  }
  for (int64_t i = 0; i < mq; ++i) {
    l[i] = l[i] * corr[i] + sum[i];
    m[i] = bmax[i];
    if (t.j0 > 0 && corr[i] != 1.f)  // before the first key block o is still 0
      for (int64_t d = 0; d < a.dv; ++d) o[i * ro + d] *= corr[i];
  }
  if (a.dropout > 0) {
    float* z = w.dp;
    for (int64_t j = 0; j < t.nb; ++j) {
      key_row_dropout(a, t, j, z);
      float* prow = w.p + j * mq;
#pragma omp simd
      for (int64_t i = 0; i < mq; ++i) prow[i] *= z[i];
    }
  }
}

Pair pair_of(const AttentionArgs<float>& a, int64_t b, int64_t h) {
  const AttentionLayout ql = a.ql(), kl = a.kl(), vl = a.vl();
  return {a.q + ql.at(b, h), a.k + kl.at(b, h), a.v + vl.at(b, h), ql.row, kl.row, vl.row};
}

void fill_rows(float* x, int64_t rows, int64_t cols, int64_t stride) {
  for (int64_t r = 0; r < rows; ++r) std::fill(x + r * stride, x + r * stride + cols, 0.f);
}

void forward_pair(const AttentionArgs<float>& a, int64_t bh, float* out, float* lse, Scratch& w) {
  const int64_t b = bh / a.heads, h = bh % a.heads;
  const Pair x = pair_of(a, b, h);
  const AttentionLayout ol = a.ol();
  const int64_t ro = ol.row;
  float* o = out + ol.at(b, h);
  float* m = lse + bh * a.tq;  // the running max, turned into the lse at the end
  float* l = w.row;            // the running sum of exp(s - m)
  fill_rows(o, a.tq, a.dv, ro);
  std::fill(m, m + a.tq, kNegInf);
  std::fill(l, l + a.tq, 0.f);
  for (int64_t i0 = 0; i0 < a.tq; i0 += kAttentionQueryBlock) {
    const int64_t mq = std::min(kAttentionQueryBlock, a.tq - i0);
    for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
      if (tile_hidden(a, i0, mq, j0)) break;
      const Tile t{bh, b, h, i0, mq, j0, std::min(kAttentionKeyBlock, a.tk - j0)};
      tile_scores(a, t, x, w);
      softmax_tile(a, t, m + i0, l + i0, o + i0 * ro, ro, w);
      // O += (P ⊙ Z) v, with P stored key-major.
      sgemm(true, false, mq, a.dv, t.nb, 1.f, w.p, mq, x.v + j0 * x.rv, x.rv, 1.f, o + i0 * ro, ro);
    }
  }
  for (int64_t i = 0; i < a.tq; ++i) {
    if (l[i] == 0.f) {  // fully masked row: output 0, lse -inf
      m[i] = kNegInf;
      continue;
    }
    const float inv = 1.f / l[i];
#pragma omp simd
    for (int64_t d = 0; d < a.dv; ++d) o[i * ro + d] *= inv;
    m[i] += std::log(l[i]);
  }
}

float dot(const float* x, const float* y, int64_t n) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t d = 0; d < n; ++d) s += x[d] * y[d];
  return s;
}

// dS and P ⊙ Z of one tile from its scores (w.s) and dP (w.dp), all key-major:
//   P = exp(S - L), dS = P ⊙ (dP ⊙ Z - rowsum(dO ⊙ O)) · scale.
void backward_tile(const AttentionArgs<float>& a, const Tile& t, const float* L, const float* row_dot, Scratch& w) {
  const int64_t mq = t.mq;
  float* shift = w.block_max;  // L, or +inf for fully masked rows so P = 0 there
  for (int64_t i = 0; i < mq; ++i) shift[i] = L[i] == kNegInf ? std::numeric_limits<float>::infinity() : L[i];
  float* z = w.corr;
  std::fill(z, z + mq, 1.f);
  const float scale = a.scale;
  for (int64_t j = 0; j < t.nb; ++j) {
    if (a.dropout > 0) key_row_dropout(a, t, j, z);
    float* srow = w.s + j * mq;  // becomes dS
    float* prow = w.p + j * mq;
    const float* dprow = w.dp + j * mq;
#pragma omp simd
    for (int64_t i = 0; i < mq; ++i) {
      const float p = srow[i] == kNegInf || shift[i] == std::numeric_limits<float>::infinity()
                          ? 0.f
                          : exp_approx(srow[i] - shift[i]);
      srow[i] = p * (dprow[i] * z[i] - row_dot[i]) * scale;
      prow[i] = p * z[i];
    }
  }
}

void backward_pair(const AttentionArgs<float>& a, int64_t bh, const float* out, const float* lse, const float* dout,
                   float* dq, float* dk, float* dv, Scratch& w) {
  const int64_t b = bh / a.heads, h = bh % a.heads;
  const Pair x = pair_of(a, b, h);
  const AttentionLayout ol = a.ol(), gl = a.gl();
  const int64_t rg = gl.row;
  const float* o = out + ol.at(b, h);
  const float* g = dout + gl.at(b, h);
  const float* L = lse + bh * a.tq;
  // The gradients share their operand's layout.
  float* gq = dq + a.ql().at(b, h);
  float* gk = dk + a.kl().at(b, h);
  float* gv = dv + a.vl().at(b, h);
  fill_rows(gq, a.tq, a.dk, x.rq);
  fill_rows(gk, a.tk, a.dk, x.rk);
  fill_rows(gv, a.tk, a.dv, x.rv);
  float* row_dot = w.row;  // rowsum(dO ⊙ O) = rowsum(P ⊙ dP)
  for (int64_t i = 0; i < a.tq; ++i) row_dot[i] = dot(g + i * rg, o + i * ol.row, a.dv);
  for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
    const int64_t nb = std::min(kAttentionKeyBlock, a.tk - j0);
    for (int64_t i0 = 0; i0 < a.tq; i0 += kAttentionQueryBlock) {
      const int64_t mq = std::min(kAttentionQueryBlock, a.tq - i0);
      if (tile_hidden(a, i0, mq, j0)) continue;
      const Tile t{bh, b, h, i0, mq, j0, nb};
      tile_scores(a, t, x, w);
      // dPᵀ = v dOᵀ over the tile.
      sgemm(false, true, nb, mq, a.dv, 1.f, x.v + j0 * x.rv, x.rv, g + i0 * rg, rg, 0.f, w.dp, mq);
      backward_tile(a, t, L + i0, row_dot + i0, w);
      // dV += (P ⊙ Z)ᵀ dO, dQ += dS k, dK += dSᵀ q (the scale is already in dS).
      sgemm(false, false, nb, a.dv, mq, 1.f, w.p, mq, g + i0 * rg, rg, 1.f, gv + j0 * x.rv, x.rv);
      sgemm(true, false, mq, a.dk, nb, 1.f, w.s, mq, x.k + j0 * x.rk, x.rk, 1.f, gq + i0 * x.rq, x.rq);
      sgemm(false, false, nb, a.dk, mq, 1.f, w.s, mq, x.q + i0 * x.rq, x.rq, 1.f, gk + j0 * x.rk, x.rk);
    }
  }
}

// Pairs go to threads (each GEMM then runs on its own thread) when there are
// enough of them; otherwise pairs run in turn and large GEMMs thread themselves.
bool parallel_pairs(const AttentionArgs<float>& a) {
  const int64_t pairs = a.batch * a.heads;
  return pairs >= get_num_threads() && worth_parallel(pairs * a.tq * a.tk * (a.dk + a.dv));
}

// Below this much work per pair, the GEMM calls' fixed cost outweighs the tile
// products (T = 6, D = 8: 285 us vs 156 us for the plain loops, 64 pairs).
bool tiny_pairs(const AttentionArgs<float>& a) {
  return a.tq * a.tk * (a.dk + a.dv) < 2048;
}

}  // namespace

void attention_forward(const AttentionArgs<float>& a, float* out, float* lse, float* probs) {
  // The scores are Tq x Tk anyway; tiny pairs run faster as plain loops.
  if (probs || tiny_pairs(a)) return ref::attention_forward<float>(a, out, lse, probs);
  const int64_t pairs = a.batch * a.heads;
  if (!parallel_pairs(a)) {
    Scratch w(a);
    for (int64_t bh = 0; bh < pairs; ++bh) forward_pair(a, bh, out, lse, w);
    return;
  }
#pragma omp parallel
  {
    Scratch w(a);
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < pairs; ++bh) forward_pair(a, bh, out, lse, w);
  }
}

void attention_backward(const AttentionArgs<float>& a, const float* out, const float* lse, const float* dout, float* dq,
                        float* dk, float* dv) {
  if (tiny_pairs(a)) return ref::attention_backward<float>(a, out, lse, dout, dq, dk, dv);
  const int64_t pairs = a.batch * a.heads;
  if (!parallel_pairs(a)) {
    Scratch w(a);
    for (int64_t bh = 0; bh < pairs; ++bh) backward_pair(a, bh, out, lse, dout, dq, dk, dv, w);
    return;
  }
#pragma omp parallel
  {
    Scratch w(a);
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < pairs; ++bh) backward_pair(a, bh, out, lse, dout, dq, dk, dv, w);
  }
}

}  // namespace deepfin::kernels::opt
