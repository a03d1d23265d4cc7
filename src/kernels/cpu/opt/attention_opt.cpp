#include "kernels/cpu/opt/attention_opt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deepfin/core/threads.h"
#include "kernels/cpu/opt/recurrent_opt.h"
#include "kernels/cpu/ref/attention_common.h"
#include "kernels/cpu/ref/attention_ref.h"
#include "kernels/gemm.h"

namespace deepfin::kernels::opt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Per-thread tiles (query block x key block) and one value per query row. The
// buffers are thread_local and only grow: a training step calls the kernels
// many times, and fresh 64 KB tiles each time cost page faults and memsets
// that dwarf small problems.
struct Scratch {
  float *s, *p, *dp, *row;
  explicit Scratch(const AttentionArgs<float>& a) {
    thread_local std::vector<float> buffer;
    const int64_t tile = std::min(a.tq, kAttentionQueryBlock) * std::min(a.tk, kAttentionKeyBlock);
    const size_t need = static_cast<size_t>(3 * tile + std::max(a.tq, int64_t{1}));
    if (buffer.size() < need) buffer.resize(need);
    s = buffer.data();
    p = s + tile;
    dp = p + tile;
    row = dp + tile;
  }
};

// One tile: queries i0 .. i0 + mq, keys j0 .. j0 + nb of pair bh.
struct Tile {
  int64_t bh, b, h, i0, mq, j0, nb;
};

// The tile's scores scale * q kᵀ into w.s (row stride nb), -inf where a key is not visible.
void tile_scores(const AttentionArgs<float>& a, const Tile& t, const float* q, const float* k, Scratch& w) {
  sgemm(false, true, t.mq, t.nb, a.dk, a.scale, q + t.i0 * a.dk, a.dk, k + t.j0 * a.dk, a.dk, 0.f, w.s, t.nb);
  for (int64_t r = 0; r < t.mq; ++r) {
    float* srow = w.s + r * t.nb;
    const int64_t i = t.i0 + r;
    if (a.causal)  // keys j > i are hidden
      for (int64_t jj = std::max<int64_t>(0, i - t.j0 + 1); jj < t.nb; ++jj) srow[jj] = kNegInf;
    if (a.mask) {
      const int64_t* st = a.mask_strides;
      const float* mrow = a.mask + t.b * st[0] + t.h * st[1] + i * st[2] + t.j0 * st[3];
      for (int64_t jj = 0; jj < t.nb; ++jj)
        if (mrow[jj * st[3]] == 0.f) srow[jj] = kNegInf;
    }
  }
}

// prow[jj] = exp(srow[jj] - shift), exactly 0 where the score is -inf.
void row_exp(const float* srow, float* prow, int64_t nb, float shift) {
  for (int64_t jj = 0; jj < nb; ++jj) prow[jj] = srow[jj] - shift;
  fast_exp(prow, prow, nb);
  for (int64_t jj = 0; jj < nb; ++jj) prow[jj] = srow[jj] == kNegInf ? 0.f : prow[jj];
}

// Dropout factors Z of row i, keys j0 .. j0 + nb, into z.
void row_dropout(const AttentionArgs<float>& a, int64_t bh, int64_t i, int64_t j0, int64_t nb, float* z) {
  const AttentionDropout drop(a.seed, a.dropout);
  const float scale = static_cast<float>(drop.keep_scale);
  const uint64_t base = static_cast<uint64_t>((bh * a.tq + i) * a.tk + j0);
  for (int64_t jj = 0; jj < nb; ++jj) z[jj] = drop.keep(base + static_cast<uint64_t>(jj)) ? scale : 0.f;
}

// Causal tiles whose first key lies after their last query are empty.
bool tile_hidden(const AttentionArgs<float>& a, int64_t i0, int64_t mq, int64_t j0) {
  return a.causal && j0 > i0 + mq - 1;
}

void forward_pair(const AttentionArgs<float>& a, int64_t bh, float* out, float* lse, Scratch& w) {
  const float* q = a.q + bh * a.tq * a.dk;
  const float* k = a.k + bh * a.tk * a.dk;
  const float* v = a.v + bh * a.tk * a.dv;
  float* o = out + bh * a.tq * a.dv;
  float* m = lse + bh * a.tq;  // the running max, turned into the lse at the end
  float* l = w.row;            // the running sum of exp(s - m)
  std::fill(o, o + a.tq * a.dv, 0.f);
  std::fill(m, m + a.tq, kNegInf);
  std::fill(l, l + a.tq, 0.f);
  for (int64_t i0 = 0; i0 < a.tq; i0 += kAttentionQueryBlock) {
    const int64_t mq = std::min(kAttentionQueryBlock, a.tq - i0);
    for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
      if (tile_hidden(a, i0, mq, j0)) break;
      const Tile t{bh, bh / a.heads, bh % a.heads, i0, mq, j0, std::min(kAttentionKeyBlock, a.tk - j0)};
      tile_scores(a, t, q, k, w);
      for (int64_t r = 0; r < mq; ++r) {
        const int64_t i = i0 + r;
        const float* srow = w.s + r * t.nb;
        float* prow = w.p + r * t.nb;
        float block_max = kNegInf;
        for (int64_t jj = 0; jj < t.nb; ++jj) block_max = std::max(block_max, srow[jj]);
        if (block_max == kNegInf) {  // nothing visible in this tile row
          std::fill(prow, prow + t.nb, 0.f);
          continue;
        }
        const float new_m = std::max(m[i], block_max);
        const float correction = m[i] == kNegInf ? 0.f : std::exp(m[i] - new_m);
        row_exp(srow, prow, t.nb, new_m);
        float sum = 0.f;
        for (int64_t jj = 0; jj < t.nb; ++jj) sum += prow[jj];
        l[i] = l[i] * correction + sum;
        m[i] = new_m;
        if (correction != 1.f)
          for (int64_t d = 0; d < a.dv; ++d) o[i * a.dv + d] *= correction;
        if (a.dropout > 0) {
          float* z = w.dp;
          row_dropout(a, bh, i, j0, t.nb, z);
          for (int64_t jj = 0; jj < t.nb; ++jj) prow[jj] *= z[jj];
        }
      }
      sgemm(false, false, mq, a.dv, t.nb, 1.f, w.p, t.nb, v + j0 * a.dv, a.dv, 1.f, o + i0 * a.dv, a.dv);
    }
  }
  for (int64_t i = 0; i < a.tq; ++i) {
    if (l[i] == 0.f) {  // fully masked row: output 0, lse -inf
      m[i] = kNegInf;
      continue;
    }
    const float inv = 1.f / l[i];
    for (int64_t d = 0; d < a.dv; ++d) o[i * a.dv + d] *= inv;
    m[i] += std::log(l[i]);
  }
}

void backward_pair(const AttentionArgs<float>& a, int64_t bh, const float* out, const float* lse, const float* dout,
                   float* dq, float* dk, float* dv, Scratch& w) {
  const float* q = a.q + bh * a.tq * a.dk;
  const float* k = a.k + bh * a.tk * a.dk;
  const float* v = a.v + bh * a.tk * a.dv;
  const float* o = out + bh * a.tq * a.dv;
  const float* g = dout + bh * a.tq * a.dv;
  const float* L = lse + bh * a.tq;
  float* gq = dq + bh * a.tq * a.dk;
  float* gk = dk + bh * a.tk * a.dk;
  float* gv = dv + bh * a.tk * a.dv;
  std::fill(gq, gq + a.tq * a.dk, 0.f);
  std::fill(gk, gk + a.tk * a.dk, 0.f);
  std::fill(gv, gv + a.tk * a.dv, 0.f);
  float* row_dot = w.row;  // rowsum(dO ⊙ O) = rowsum(P ⊙ dP)
  for (int64_t i = 0; i < a.tq; ++i) {
    float s = 0.f;
    for (int64_t d = 0; d < a.dv; ++d) s += g[i * a.dv + d] * o[i * a.dv + d];
    row_dot[i] = s;
  }
  std::vector<float> z(kAttentionKeyBlock, 1.f);
  for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
    const int64_t nb = std::min(kAttentionKeyBlock, a.tk - j0);
    for (int64_t i0 = 0; i0 < a.tq; i0 += kAttentionQueryBlock) {
      const int64_t mq = std::min(kAttentionQueryBlock, a.tq - i0);
      if (tile_hidden(a, i0, mq, j0)) continue;
      const Tile t{bh, bh / a.heads, bh % a.heads, i0, mq, j0, nb};
      tile_scores(a, t, q, k, w);
      // dP = dO vᵀ over the tile.
      sgemm(false, true, mq, nb, a.dv, 1.f, g + i0 * a.dv, a.dv, v + j0 * a.dv, a.dv, 0.f, w.dp, nb);
      for (int64_t r = 0; r < mq; ++r) {
        const int64_t i = i0 + r;
        float* prow = w.p + r * nb;
        float* srow = w.s + r * nb;  // becomes dS
        const float* dprow = w.dp + r * nb;
        if (L[i] == kNegInf) {  // fully masked row: no gradient
          std::fill(prow, prow + nb, 0.f);
          std::fill(srow, srow + nb, 0.f);
          continue;
        }
        row_exp(srow, prow, nb, L[i]);
        if (a.dropout > 0) row_dropout(a, bh, i, j0, nb, z.data());
        for (int64_t jj = 0; jj < nb; ++jj) {
          srow[jj] = prow[jj] * (dprow[jj] * z[jj] - row_dot[i]) * a.scale;
          prow[jj] *= z[jj];
        }
      }
      // dV += (P ⊙ Z)ᵀ dO, dQ += dS k, dK += dSᵀ q (the scale is already in dS).
      sgemm(true, false, nb, a.dv, mq, 1.f, w.p, nb, g + i0 * a.dv, a.dv, 1.f, gv + j0 * a.dv, a.dv);
      sgemm(false, false, mq, a.dk, nb, 1.f, w.s, nb, k + j0 * a.dk, a.dk, 1.f, gq + i0 * a.dk, a.dk);
      sgemm(true, false, nb, a.dk, mq, 1.f, w.s, nb, q + i0 * a.dk, a.dk, 1.f, gk + j0 * a.dk, a.dk);
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
