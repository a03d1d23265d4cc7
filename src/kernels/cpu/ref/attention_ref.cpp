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
  const T* q = a.q + bh * a.tq * a.dk;
  const T* k = a.k + bh * a.tk * a.dk;
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
      for (int64_t d = 0; d < a.dk; ++d) s += q[i * a.dk + d] * k[j * a.dk + d];
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
    const T* v = a.v + bh * a.tk * a.dv;
    T* o = out + bh * a.tq * a.dv;
    for (int64_t i = 0; i < a.tq; ++i)
      for (int64_t d = 0; d < a.dv; ++d) {
        T s = 0;
        for (int64_t j = 0; j < a.tk; ++j) s += p[i * a.tk + j] * v[j * a.dv + d];
        o[i * a.dv + d] = s;
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
    const T* q = a.q + bh * a.tq * a.dk;
    const T* k = a.k + bh * a.tk * a.dk;
    const T* v = a.v + bh * a.tk * a.dv;
    const T* o = out + bh * a.tq * a.dv;
    const T* g = dout + bh * a.tq * a.dv;
    T* gq = dq + bh * a.tq * a.dk;
    T* gk = dk + bh * a.tk * a.dk;
    T* gv = dv + bh * a.tk * a.dv;
    for (int64_t e = 0; e < a.tq * a.dk; ++e) gq[e] = 0;
    for (int64_t e = 0; e < a.tk * a.dk; ++e) gk[e] = 0;
    for (int64_t e = 0; e < a.tk * a.dv; ++e) gv[e] = 0;
    for (int64_t i = 0; i < a.tq; ++i) {
      T row_dot = 0;  // rowsum(dO ⊙ O) = rowsum(P ⊙ dP)
      for (int64_t d = 0; d < a.dv; ++d) row_dot += g[i * a.dv + d] * o[i * a.dv + d];
      for (int64_t j = 0; j < a.tk; ++j) {
        const T pij = p[i * a.tk + j];
        if (pij == T(0)) continue;
        T z = 1;  // the dropout factor Z_ij
        if (a.dropout > 0)
          z = drop.keep(static_cast<uint64_t>((bh * a.tq + i) * a.tk + j)) ? static_cast<T>(drop.keep_scale) : T(0);
        for (int64_t d = 0; d < a.dv; ++d) gv[j * a.dv + d] += pij * z * g[i * a.dv + d];
        T dp = 0;
        for (int64_t d = 0; d < a.dv; ++d) dp += g[i * a.dv + d] * v[j * a.dv + d];
        const T ds = pij * (dp * z - row_dot) * a.scale;
        for (int64_t d = 0; d < a.dk; ++d) {
          gq[i * a.dk + d] += ds * k[j * a.dk + d];
          gk[j * a.dk + d] += ds * q[i * a.dk + d];
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
