#!/usr/bin/env python3
"""Reference values for the risk statistics, from separate implementations.

deepfin's C++ (src/backtest) is checked against: statsmodels' adfuller for the
augmented Dickey-Fuller statistic and its MacKinnon critical value; scipy.stats
for the Student t, chi-squared, normal and binomial distributions; numpy's quantile for
filtered historical VaR; and a GARCH(1,1)
likelihood written here from the formula and maximized by scipy's SLSQP over
(omega, alpha, beta) directly (deepfin uses NLopt's BOBYQA on another
parameterization). Only Debian's python3-numpy, python3-scipy and
python3-statsmodels are needed:

    /usr/bin/python3 tests/parity/generate_risk_fixtures.py > tests/parity/fixtures/risk_statistics.json
"""
import json
import math

import numpy as np
from scipy import optimize, stats
from statsmodels.tsa.stattools import adfuller

rng = np.random.default_rng(20261204)


def simulate_garch(n, omega, alpha, beta):
    r = np.empty(n)
    s = omega / (1 - alpha - beta)
    for t in range(n):
        r[t] = math.sqrt(s) * rng.standard_normal()
        s = omega + alpha * r[t] ** 2 + beta * s
    return r


def initial_variance(r):
    m = min(len(r), 22)
    return float(np.mean(r[:m] ** 2))


def garch_loglik(params, r, s0):
    omega, alpha, beta = params
    s, ll = s0, 0.0
    for x in r:
        ll -= 0.5 * (math.log(2 * math.pi * s) + x * x / s)
        s = omega + alpha * x * x + beta * s
    return ll


def fit_garch(r):
    s0 = initial_variance(r)
    scale = float(np.mean(r ** 2))
    best = None
    for a, b in [(0.05, 0.9), (0.1, 0.8), (0.2, 0.5)]:
        x0 = np.array([scale * (1 - a - b) / scale, a, b])  # omega in units of mean r^2
        res = optimize.minimize(
            lambda p: -garch_loglik((p[0] * scale, p[1], p[2]), r, s0) if p[0] > 0 else 1e300, x0,
            method="SLSQP", bounds=[(1e-8, 10), (0, 1), (0, 1)],
            constraints=[{"type": "ineq", "fun": lambda p: 0.9999 - p[1] - p[2]}],
            options={"ftol": 1e-14, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    omega, alpha, beta = best.x[0] * scale, best.x[1], best.x[2]
    return {"omega": omega, "alpha": alpha, "beta": beta, "log_likelihood": garch_loglik((omega, alpha, beta), r, s0)}


def diebold_mariano(l1, l2, h):
    d = np.asarray(l1) - np.asarray(l2)
    n = len(d)
    mean = d.mean()
    gamma = [np.sum((d[k:] - mean) * (d[:n - k] - mean)) / n for k in range(h)]
    v = gamma[0] + 2 * sum(gamma[1:])
    stat = mean / math.sqrt(v / n) * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return {"statistic": stat, "p_value": 2 * stats.t.sf(abs(stat), n - 1)}


def var_backtest(r, var, es, level):
    hits = (-r > var).astype(int)
    n, x, p = len(r), int(hits.sum()), 1 - level
    rate = x / n

    def xlogy(k, q):
        return k * math.log(q) if k > 0 else 0.0
    kupiec = -2 * (xlogy(n - x, 1 - p) + xlogy(x, p) - xlogy(n - x, 1 - rate) - xlogy(x, rate))
    t = np.zeros((2, 2))
    for a, b in zip(hits[:-1], hits[1:]):
        t[a, b] += 1
    n00, n01, n10, n11 = t[0, 0], t[0, 1], t[1, 0], t[1, 1]
    pi0 = n01 / (n00 + n01) if n00 + n01 else 0.0
    pi1 = n11 / (n10 + n11) if n10 + n11 else 0.0
    pi = (n01 + n11) / t.sum()
    ind = -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi) - xlogy(n00, 1 - pi0) - xlogy(n01, pi0)
                - xlogy(n10, 1 - pi1) - xlogy(n11, pi1))
    cum = stats.binom.cdf(x, n, p)
    return {"level": level, "exceptions": x, "kupiec_statistic": kupiec, "kupiec_p": stats.chi2.sf(kupiec, 1),
            "independence_statistic": ind, "independence_p": stats.chi2.sf(ind, 1),
            "conditional_p": stats.chi2.sf(kupiec + ind, 2),
            "light": "green" if cum < 0.95 else ("yellow" if cum < 0.9999 else "red"),
            "shortfall_ratio": float(np.mean(-r[hits == 1]) / np.mean(es[hits == 1])) if x else None}


def main():
    out = {}
    # GARCH: a simulated daily-equity-like series.
    r = simulate_garch(1500, 2e-6, 0.09, 0.89)
    out["garch"] = {"returns": r.tolist(), "fit": fit_garch(r)}

    # Diebold-Mariano on two loss series with serial correlation (an MA(4) differential).
    e = rng.standard_normal(400 + 4)
    base = rng.standard_normal(400) ** 2
    model = base + 0.04 + 0.3 * np.convolve(e, np.ones(5) / 5, mode="valid")
    out["diebold_mariano"] = {"loss_model": model.tolist(), "loss_baseline": base.tolist(),
                              "h1": diebold_mariano(model, base, 1), "h5": diebold_mariano(model, base, 5)}

    # VaR: Gaussian forecasts from the true variance of a fat-tailed series, at both levels.
    s = 1e-4 * np.exp(0.5 * np.sin(np.arange(750) / 40))
    ret = np.sqrt(s) * rng.standard_t(4, 750) / math.sqrt(2)
    cases = []
    for level in (0.99, 0.975):
        z = stats.norm.ppf(level)
        var = z * np.sqrt(s)
        es = np.sqrt(s) * stats.norm.pdf(z) / (1 - level)
        cases.append({"var": var.tolist(), "es": es.tolist(), **var_backtest(ret, var, es, level)})
    out["var"] = {"returns": ret.tolist(), "variance": s.tolist(), "cases": cases}

    # Filtered historical VaR: the tail of the first 500 standardized returns (numpy's default
    # linear quantile; the shortfall is the mean at or below it) scaled by the last 250 forecasts.
    z = ret[:500] / np.sqrt(s[:500])
    fhs = []
    for level in (0.99, 0.975):
        q = float(np.quantile(z, 1 - level))
        var, es = -q * np.sqrt(s[500:]), -z[z <= q].mean() * np.sqrt(s[500:])
        fhs.append({"level": level, "var_multiple": -q, "es_multiple": float(-z[z <= q].mean()),
                    **var_backtest(ret[500:], var, es, level)})
    out["filtered_historical"] = {"calibration": 500, "cases": fhs}

    # ADF: a random walk in logs (a price) and an AR(1) level (a volatility index).
    walk = np.cumsum(0.01 * rng.standard_normal(600)) + 7
    ar = np.empty(600)
    ar[0] = 20
    for t in range(1, 600):
        ar[t] = 20 + 0.95 * (ar[t - 1] - 20) + rng.standard_normal()
    adf = []
    for name, y in (("random_walk", walk), ("ar1", ar)):
        for lags in (0, 3, 12):
            res = adfuller(y, maxlag=lags, regression="c", autolag=None)
            adf.append({"series": name, "lags": lags, "statistic": res[0], "observations": res[3],
                        "critical_5": res[4]["5%"]})
    out["adf"] = {"series": {"random_walk": walk.tolist(), "ar1": ar.tolist()}, "cases": adf}
    json.dump(out, __import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
