#!/usr/bin/env python3
"""Reference values for the RDP accountant, computed independently of it.

The accountant in src/privacy sums the series of Mironov, Talwar and Zhang
(2019). Here A_alpha is instead integrated numerically from its definition,
    A_alpha = integral of mu0(z) * (mu(z) / mu0(z))^alpha dz,
    mu0 = N(0, sigma^2),  mu = (1 - q) N(0, sigma^2) + q N(1, sigma^2),
with mpmath at 40 digits, and RDP(alpha) = log(A_alpha) / (alpha - 1). The
(epsilon, delta) conversion is Balle et al. (2020), theorem 21. numpy and mpmath
come from Debian (python3-numpy, python3-mpmath).

    /usr/bin/python3 tests/parity/generate_privacy_fixtures.py > tests/parity/fixtures/privacy_rdp.json
"""
import json
import math

import mpmath
import numpy as np

mpmath.mp.dps = 40

ORDERS = [k / 10 for k in range(11, 110)] + list(range(12, 64))


def log_a(q, sigma, alpha):
    q, sigma, alpha = mpmath.mpf(q), mpmath.mpf(sigma), mpmath.mpf(alpha)

    def integrand(z):
        mu0 = mpmath.npdf(z, 0, sigma)
        ratio = (1 - q) + q * mpmath.exp((2 * z - 1) / (2 * sigma**2))
        return mu0 * ratio**alpha

    # The mass sits near 0 (the mu0 part) and near alpha (where ratio^alpha takes over).
    points = sorted({-mpmath.inf, -8 * sigma, 0, 8 * sigma, alpha - 8 * sigma, alpha, alpha + 8 * sigma, mpmath.inf})
    return mpmath.log(mpmath.quad(integrand, points))


def rdp(q, sigma, alpha):
    if q == 1:
        return alpha / (2 * sigma**2)
    return float(log_a(q, sigma, alpha) / (alpha - 1))


def epsilon(rdp_values, delta):
    best = (math.inf, None)
    for a, r in zip(ORDERS, rdp_values):
        eps = r - (math.log(delta) + math.log(a)) / (a - 1) + math.log((a - 1) / a)
        if eps < best[0]:
            best = (eps, a)
    return best


def main():
    settings = [(0.04, 1.5), (0.01, 1.1), (0.004, 0.8), (0.1, 2.0), (0.02, 0.6), (0.25, 4.0), (1.0, 5.0)]
    curves = {}
    for q, sigma in settings:
        curves[(q, sigma)] = np.array([rdp(q, sigma, a) for a in ORDERS])
    cases = []
    for (q, sigma), steps, delta in [((0.04, 1.5), 2250, 1e-5), ((0.01, 1.1), 10000, 1e-5), ((0.004, 0.8), 500, 1e-6),
                                     ((0.1, 2.0), 300, 1e-5), ((0.02, 0.6), 50, 1e-3), ((0.25, 4.0), 1000, 1e-5),
                                     ((1.0, 5.0), 10, 1e-5), ((0.01, 1.1), 1, 1e-5)]:
        eps, order = epsilon(steps * curves[(q, sigma)], delta)
        cases.append({"phases": [[q, sigma, steps]], "delta": delta, "epsilon": eps, "order": order})
    # Two phases compose by adding their RDP curves.
    for (a, sa), (b, sb), delta in [(((0.04, 1.5), 1000), ((0.01, 1.1), 3000), 1e-5),
                                    (((0.1, 2.0), 100), ((0.004, 0.8), 400), 1e-6)]:
        total = sa * curves[a] + sb * curves[b]
        eps, order = epsilon(total, delta)
        cases.append({"phases": [[a[0], a[1], sa], [b[0], b[1], sb]], "delta": delta, "epsilon": eps, "order": order})
    per_order = [{"q": q, "sigma": s, "orders": ORDERS, "rdp": curves[(q, s)].tolist()} for (q, s) in settings]
    print(json.dumps({"generator": "tests/parity/generate_privacy_fixtures.py (mpmath quadrature)", "cases": cases,
                      "curves": per_order}, indent=1))


if __name__ == "__main__":
    main()
