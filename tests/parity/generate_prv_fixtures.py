#!/usr/bin/env python3
"""Reference values for the PRV accountant, from a separate implementation.

Gopi, Lee and Wutschitz (2021): the privacy loss Y = log(P/Q) of one step of the
Poisson-subsampled Gaussian, put on a grid, composed by FFT, and
delta(eps) = E[(1 - exp(eps - Y))+]. This version differs from the C++ one on
purpose: it rounds each loss to the *nearest* grid point (an estimate, not a
bound), uses numpy's FFT, and a grid of 2^22 points centred on the composed
mean. Both directions of adjacency are composed and the larger epsilon kept.
Only python3-numpy from Debian is needed.

    /usr/bin/python3 tests/parity/generate_prv_fixtures.py > tests/parity/fixtures/privacy_prv.json
"""
import json
import math

import numpy as np

GRID = 1 << 22
erfc = np.frompyfunc(math.erfc, 1, 1)


def upper(z):  # P(N(0,1) > z)
    return (0.5 * erfc(z / math.sqrt(2))).astype(float)


def survival(t, q, sigma, removal):
    """P(Y > t) for one step, vectorized over t."""
    t = np.asarray(t, dtype=float)
    out = np.zeros_like(t)
    if removal:
        ok = t > math.log1p(-q) if q < 1 else np.ones_like(t, dtype=bool)
        x = sigma**2 * np.log((np.expm1(t[ok]) + q) / q) + 0.5
        out[ok] = (1 - q) * upper(x / sigma) + q * upper((x - 1) / sigma)
        out[~ok] = 1.0
    else:
        ok = -t > math.log1p(-q) if q < 1 else np.ones_like(t, dtype=bool)
        x = sigma**2 * np.log((np.expm1(-t[ok]) + q) / q) + 0.5
        out[ok] = 1.0 - upper(x / sigma)  # Y > t exactly when x < x(-t)
        out[~ok] = 0.0
    return out


def epsilon(q, sigma, steps, delta):
    best = 0.0
    for removal in (True, False):
        width = 80.0
        mesh = width / GRID
        # Nearest rounding: grid point m takes the mass of ((m - 1/2) h, (m + 1/2) h]; one
        # step's loss is taken to lie within [-20, 20] (the mass below goes to the lowest point).
        m = np.arange(-int(20 / mesh), int(20 / mesh) + 1)
        edges = (np.concatenate([m - 0.5, [m[-1] + 0.5]])) * mesh
        sf = survival(edges, q, sigma, removal)
        pmf = sf[:-1] - sf[1:]
        pmf[0] += 1.0 - sf[0]
        grid = np.zeros(GRID)
        grid[m % GRID] += pmf
        composed = np.fft.irfft(np.fft.rfft(grid) ** steps, n=GRID)
        # Losses from index: choose the representative in [-width/2 + c, width/2 + c), c the composed mean.
        mean = steps * float(np.sum(pmf * m * mesh))
        idx = np.arange(GRID)
        loss = idx * mesh
        loss = loss - width * np.round((loss - mean) / width)
        keep = loss > 0
        y, p = loss[keep], composed[keep]
        order = np.argsort(y)
        y, p = y[order], p[order]

        def delta_at(eps):
            sel = y > eps
            return float(np.sum(p[sel] * (1 - np.exp(eps - y[sel]))))

        a, b = 0.0, 60.0
        for _ in range(60):
            mid = 0.5 * (a + b)
            if delta_at(mid) > delta:
                a = mid
            else:
                b = mid
        best = max(best, b)
    return best


def main():
    cases = []
    for q, sigma, steps, delta in [(0.04, 1.5, 2250, 1e-5), (0.01, 1.1, 3000, 1e-5), (0.1, 2.0, 300, 1e-5),
                                   (0.009481, 1.082, 3150, 6.23e-6)]:
        cases.append({"q": q, "sigma": sigma, "steps": steps, "delta": delta, "epsilon": epsilon(q, sigma, steps, delta)})
    print(json.dumps({"generator": "tests/parity/generate_prv_fixtures.py (numpy FFT, nearest rounding)",
                      "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
