#include "kernels/cpu/opt/attention_opt.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deepfin/core/threads.h"
#include "kernels/cpu/opt/recurrent_opt.h"
#include "kernels/cpu/ref/attention_common.h"
#include "kernels/cpu/ref/attention_ref.h"

namespace deepfin::kernels::opt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Per-thread buffers: one key block, transposed (D, block), and one row of it.
struct Scratch {
  std::vector<float> kt, vt, s, p, dp, row;
  explicit Scratch(const AttentionArgs<float>& a)
      : kt(a.dk * kAttentionKeyBlock),
        vt(a.dv * kAttentionKeyBlock),
        s(kAttentionKeyBlock),
        p(kAttentionKeyBlock),
        dp(kAttentionKeyBlock),
        row(std::max(a.tq, int64_t{1})) {}
};

// dst (D, nb) = src rows j0 .. j0 + nb of a (T, D) matrix, transposed.
void pack_transposed(const float* src, int64_t d_len, int64_t j0, int64_t nb, float* dst) {
  for (int64_t jj = 0; jj < nb; ++jj)
    for (int64_t d = 0; d < d_len; ++d) dst[d * nb + jj] = src[(j0 + jj) * d_len + d];
}

// s[jj] = scale * (x · column jj of the packed (D, nb) block).
void row_times_block(const float* x, const float* block, int64_t d_len, int64_t nb, float scale, float* s) {
  for (int64_t jj = 0; jj < nb; ++jj) s[jj] = 0.f;
  for (int64_t d = 0; d < d_len; ++d) {
    const float xd = x[d] * scale;
    const float* col = block + d * nb;
#pragma GCC ivdep
    for (int64_t jj = 0; jj < nb; ++jj) s[jj] += xd * col[jj];
  }
}

inline void axpy(float alpha, const float* x, float* y, int64_t n) {
#pragma GCC ivdep
  for (int64_t d = 0; d < n; ++d) y[d] += alpha * x[d];
}

// Scores of row i against keys j0 .. j0 + nb, -inf where not visible; returns the block max.
float block_scores(const AttentionArgs<float>& a, int64_t b, int64_t h, int64_t i, const float* qi, int64_t j0,
                   int64_t nb, Scratch& w) {
  row_times_block(qi, w.kt.data(), a.dk, nb, a.scale, w.s.data());
  if (a.mask || a.causal)
    for (int64_t jj = 0; jj < nb; ++jj)
      if (!attention_visible(a, b, h, i, j0 + jj)) w.s[jj] = kNegInf;
  float m = kNegInf;
  for (int64_t jj = 0; jj < nb; ++jj) m = std::max(m, w.s[jj]);
  return m;
}

// p[jj] = exp(s[jj] - shift), exactly 0 where s is -inf.
void block_exp(Scratch& w, int64_t nb, float shift) {
  for (int64_t jj = 0; jj < nb; ++jj) w.p[jj] = w.s[jj] - shift;
  fast_exp(w.p.data(), w.p.data(), nb);
  for (int64_t jj = 0; jj < nb; ++jj) w.p[jj] = w.s[jj] == kNegInf ? 0.f : w.p[jj];
}

// Dropout factor Z of (bh, i, j0 + jj) written into z[jj].
void block_dropout(const AttentionArgs<float>& a, int64_t bh, int64_t i, int64_t j0, int64_t nb, float* z) {
  const AttentionDropout drop(a.seed, a.dropout);
  const float scale = static_cast<float>(drop.keep_scale);
  const uint64_t base = static_cast<uint64_t>((bh * a.tq + i) * a.tk + j0);
  for (int64_t jj = 0; jj < nb; ++jj) z[jj] = drop.keep(base + static_cast<uint64_t>(jj)) ? scale : 0.f;
}

void forward_pair(const AttentionArgs<float>& a, int64_t bh, float* out, float* lse, Scratch& w) {
  const int64_t b = bh / a.heads, h = bh % a.heads;
  const float* q = a.q + bh * a.tq * a.dk;
  const float* k = a.k + bh * a.tk * a.dk;
  const float* v = a.v + bh * a.tk * a.dv;
  float* o = out + bh * a.tq * a.dv;
  float* m = lse + bh * a.tq;  // the running max, turned into the lse at the end
  float* l = w.row.data();     // the running sum of exp(s - m)
  std::fill(o, o + a.tq * a.dv, 0.f);
  std::fill(m, m + a.tq, kNegInf);
  std::fill(l, l + a.tq, 0.f);
  std::vector<float>& z = w.dp;
  for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
    if (a.causal && j0 > a.tq - 1) break;
    const int64_t nb = std::min(kAttentionKeyBlock, a.tk - j0);
    pack_transposed(k, a.dk, j0, nb, w.kt.data());
    for (int64_t i = a.causal ? j0 : 0; i < a.tq; ++i) {
      const float block_max = block_scores(a, b, h, i, q + i * a.dk, j0, nb, w);
      if (block_max == kNegInf) continue;
      const float new_m = std::max(m[i], block_max);
      const float correction = m[i] == kNegInf ? 0.f : std::exp(m[i] - new_m);
      block_exp(w, nb, new_m);
      float sum = 0.f;
      for (int64_t jj = 0; jj < nb; ++jj) sum += w.p[jj];
      l[i] = l[i] * correction + sum;
      m[i] = new_m;
      float* oi = o + i * a.dv;
      if (correction != 1.f)
        for (int64_t d = 0; d < a.dv; ++d) oi[d] *= correction;
      if (a.dropout > 0) {
        block_dropout(a, bh, i, j0, nb, z.data());
        for (int64_t jj = 0; jj < nb; ++jj) w.p[jj] *= z[jj];
      }
      for (int64_t jj = 0; jj < nb; ++jj)
        if (w.p[jj] != 0.f) axpy(w.p[jj], v + (j0 + jj) * a.dv, oi, a.dv);
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
  const int64_t b = bh / a.heads, h = bh % a.heads;
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
  float* row_dot = w.row.data();  // rowsum(dO ⊙ O)
  for (int64_t i = 0; i < a.tq; ++i) {
    float s = 0.f;
    for (int64_t d = 0; d < a.dv; ++d) s += g[i * a.dv + d] * o[i * a.dv + d];
    row_dot[i] = s;
  }
  std::vector<float> z(kAttentionKeyBlock, 1.f);
  for (int64_t j0 = 0; j0 < a.tk; j0 += kAttentionKeyBlock) {
    if (a.causal && j0 > a.tq - 1) break;
    const int64_t nb = std::min(kAttentionKeyBlock, a.tk - j0);
    pack_transposed(k, a.dk, j0, nb, w.kt.data());
    pack_transposed(v, a.dv, j0, nb, w.vt.data());
    for (int64_t i = a.causal ? j0 : 0; i < a.tq; ++i) {
      if (L[i] == kNegInf) continue;
      if (block_scores(a, b, h, i, q + i * a.dk, j0, nb, w) == kNegInf) continue;
      block_exp(w, nb, L[i]);
      const float* gi = g + i * a.dv;
      row_times_block(gi, w.vt.data(), a.dv, nb, 1.f, w.dp.data());  // dO_i · v_j
      if (a.dropout > 0) block_dropout(a, bh, i, j0, nb, z.data());
      float* ds = w.s.data();  // the scores are no longer needed
      for (int64_t jj = 0; jj < nb; ++jj) ds[jj] = w.p[jj] * (w.dp[jj] * z[jj] - row_dot[i]) * a.scale;
      for (int64_t jj = 0; jj < nb; ++jj) {
        if (w.p[jj] == 0.f) continue;
        const int64_t j = j0 + jj;
        axpy(w.p[jj] * z[jj], gi, gv + j * a.dv, a.dv);
        axpy(ds[jj], k + j * a.dk, gq + i * a.dk, a.dk);
        axpy(ds[jj], q + i * a.dk, gk + j * a.dk, a.dk);
      }
    }
  }
}

bool parallel_pairs(const AttentionArgs<float>& a) {
  return a.batch * a.heads > 1 && worth_parallel(a.batch * a.heads * a.tq * a.tk * (a.dk + a.dv));
}

}  // namespace

void attention_forward(const AttentionArgs<float>& a, float* out, float* lse, float* probs) {
  if (probs) return ref::attention_forward<float>(a, out, lse, probs);  // the scores are T² anyway
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
