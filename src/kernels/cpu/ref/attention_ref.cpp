#include "kernels/cpu/ref/attention_ref.h"

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/ref/attention_common.h"

namespace deepfin::kernels::ref {
namespace {

// P (Tq, Tk) of pair bh = (b, h): softmax over visible keys, 0 elsewhere and on
// fully masked rows; lse per row (-inf for fully masked rows).
template <class T>
void probabilities(const AttentionArgs<T>& a, int64_t bh, std::vector<T>& p, T* lse) {
  const int64_t b = bh / a.heads, h = bh % a.heads;
  const AttentionLayout ql = a.ql(), kl = a.kl();
  const T* q = a.q + ql.at(b, h);
  const T* k = a.k + kl.at(b, h);
  const T neg_inf = -std::numeric_limits<T>::infinity();
  for (int64_t i = 0; i < a.tq; ++i) {
    T* row = p.data() + i * a.tk;
    T row_max = neg_inf;
    for (int64_t j = 0; j < a.tk; ++j) {
      if (!attention_visible(a, b, h, i, j)) {
        row[j] = neg_inf;
        continue;
      }
      T s = 0;
      for (int64_t d = 0; d < a.dk; ++d) s += q[i * ql.row + d] * k[j * kl.row + d];
      row[j] = s * a.scale;
      row_max = std::max(row_max, row[j]);
    }
    if (row_max == neg_inf) {
      for (int64_t j = 0; j < a.tk; ++j) row[j] = 0;
      lse[i] = neg_inf;
      continue;
    }
    T sum = 0;
    for (int64_t j = 0; j < a.tk; ++j) sum += row[j] == neg_inf ? T(0) : std::exp(row[j] - row_max);
    lse[i] = row_max + std::log(sum);
    for (int64_t j = 0; j < a.tk; ++j) row[j] = row[j] == neg_inf ? T(0) : std::exp(row[j] - lse[i]);
  }
}

// P ⊙ Z in place (Z: 0 or 1 / (1 - rate)).
template <class T>
void apply_dropout(const AttentionArgs<T>& a, int64_t bh, std::vector<T>& p) {
  if (a.dropout <= 0) return;
  const AttentionDropout drop(a.seed, a.dropout);
  const uint64_t base = static_cast<uint64_t>(bh * a.tq * a.tk);
  for (int64_t e = 0; e < a.tq * a.tk; ++e)
    p[e] = drop.keep(base + static_cast<uint64_t>(e)) ? p[e] * static_cast<T>(drop.keep_scale) : T(0);
}

}  // namespace

template <class T>
void attention_forward(const AttentionArgs<T>& a, T* out, T* lse, T* probs) {
  std::vector<T> p(static_cast<size_t>(a.tq * a.tk));
  for (int64_t bh = 0; bh < a.batch * a.heads; ++bh) {
    probabilities(a, bh, p, lse + bh * a.tq);
    if (probs)
      for (int64_t e = 0; e < a.tq * a.tk; ++e) probs[bh * a.tq * a.tk + e] = p[e];
    apply_dropout(a, bh, p);
    const int64_t b = bh / a.heads, h = bh % a.heads;
    const AttentionLayout vl = a.vl(), ol = a.ol();
    const T* v = a.v + vl.at(b, h);
    T* o = out + ol.at(b, h);
    for (int64_t i = 0; i < a.tq; ++i)
      for (int64_t d = 0; d < a.dv; ++d) {
        T s = 0;
        for (int64_t j = 0; j < a.tk; ++j) s += p[i * a.tk + j] * v[j * vl.row + d];
        o[i * ol.row + d] = s;
      }
  }
}

template <class T>
void attention_backward(const AttentionArgs<T>& a, const T* out, const T* /*lse*/, const T* dout, T* dq, T* dk, T* dv) {
  // The reference recomputes P from scratch (its own log-sum-exp); the
  // optimized kernel is the one that relies on the saved lse.
  std::vector<T> p(static_cast<size_t>(a.tq * a.tk)), lse(static_cast<size_t>(a.tq));
  const AttentionDropout drop(a.seed, a.dropout > 0 ? a.dropout : 0.0);
  for (int64_t bh = 0; bh < a.batch * a.heads; ++bh) {
    probabilities(a, bh, p, lse.data());
    const int64_t b = bh / a.heads, h = bh % a.heads;
    const AttentionLayout ql = a.ql(), kl = a.kl(), vl = a.vl(), ol = a.ol(), gl = a.gl();
    const T* q = a.q + ql.at(b, h);
    const T* k = a.k + kl.at(b, h);
    const T* v = a.v + vl.at(b, h);
    const T* o = out + ol.at(b, h);
    const T* g = dout + gl.at(b, h);
    T* gq = dq + ql.at(b, h);
    T* gk = dk + kl.at(b, h);
    T* gv = dv + vl.at(b, h);
    for (int64_t i = 0; i < a.tq; ++i)
      for (int64_t d = 0; d < a.dk; ++d) gq[i * ql.row + d] = 0;
    for (int64_t j = 0; j < a.tk; ++j) {
      for (int64_t d = 0; d < a.dk; ++d) gk[j * kl.row + d] = 0;
      for (int64_t d = 0; d < a.dv; ++d) gv[j * vl.row + d] = 0;
    }
    for (int64_t i = 0; i < a.tq; ++i) {
      T row_dot = 0;  // rowsum(dO ⊙ O) = rowsum(P ⊙ dP)
      for (int64_t d = 0; d < a.dv; ++d) row_dot += g[i * gl.row + d] * o[i * ol.row + d];
      for (int64_t j = 0; j < a.tk; ++j) {
        const T pij = p[i * a.tk + j];
        if (pij == T(0)) continue;
        T z = 1;  // the dropout factor Z_ij
        if (a.dropout > 0)
          z = drop.keep(static_cast<uint64_t>((bh * a.tq + i) * a.tk + j)) ? static_cast<T>(drop.keep_scale) : T(0);
        for (int64_t d = 0; d < a.dv; ++d) gv[j * vl.row + d] += pij * z * g[i * gl.row + d];
        T dp = 0;
        for (int64_t d = 0; d < a.dv; ++d) dp += g[i * gl.row + d] * v[j * vl.row + d];
        const T ds = pij * (dp * z - row_dot) * a.scale;
        for (int64_t d = 0; d < a.dk; ++d) {
          gq[i * ql.row + d] += ds * k[j * kl.row + d];
          gk[j * kl.row + d] += ds * q[i * ql.row + d];
        }
      }
    }
  }
}

template void attention_forward<float>(const AttentionArgs<float>&, float*, float*, float*);
template void attention_forward<double>(const AttentionArgs<double>&, double*, double*, double*);
template void attention_backward<float>(const AttentionArgs<float>&, const float*, const float*, const float*, float*,
                                        float*, float*);
template void attention_backward<double>(const AttentionArgs<double>&, const double*, const double*, const double*,
                                         double*, double*, double*);

}  // namespace deepfin::kernels::ref
