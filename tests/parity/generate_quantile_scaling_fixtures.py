#!/usr/bin/env python3
"""Reference values for the quantile-normal scaling of numeric columns.

deepfin's `[preprocess] numeric_scaling = "quantile"` (src/data/tabular/quantile_normal.cpp)
is checked against scikit-learn's QuantileTransformer: the same knots (its `quantiles_`,
numpy's linear percentiles at min(1000, n) evenly spaced probabilities) and the same
probability u of a value among them (its uniform output, which also averages the forward
and backward interpolation so that a repeated value takes the middle of its span). deepfin
then shrinks u to [1/(2K), 1 - 1/(2K)] for K knots and takes the normal quantile; that last
step is scipy's norm.ppf here. Values at or below the training minimum are left out of the
comparison, since scikit-learn sends every one of them to u = 0 where deepfin gives a repeated
minimum the middle of its span; likewise scikit-learn sends the training maximum to u = 1,
which deepfin agrees with only where the maximum is not repeated over several knots (as here). Only Debian's python3-sklearn and python3-scipy are needed:

    /usr/bin/python3 tests/parity/generate_quantile_scaling_fixtures.py > tests/parity/fixtures/quantile_scaling.json
"""
import json

import numpy as np
from scipy.stats import norm
from sklearn.preprocessing import QuantileTransformer


def case(name, train, probe):
    knots = min(1000, len(train))
    qt = QuantileTransformer(n_quantiles=knots, output_distribution="uniform", subsample=10**9)
    qt.fit(train.reshape(-1, 1))
    u = qt.transform(probe.reshape(-1, 1)).ravel()
    shrink = 1 / (2 * knots)
    return {"name": name, "train": train.tolist(), "probe": probe.tolist(),
            "knots": qt.quantiles_.ravel().tolist(), "scores": norm.ppf(shrink + (1 - 2 * shrink) * u).tolist()}


def main():
    rng = np.random.default_rng(7)
    # Incomes: log-normal with a few huge ones; fewer rows than the 1000 knots.
    incomes = np.round(np.exp(rng.normal(10, 1, 300)), 2)
    incomes[:3] = [2e6, 5e6, 1e7]
    # Counts with many repeats (derogatory reports: mostly 0, then 1, 2, ...) and more rows than
    # knots, so the knots are interpolated percentiles and runs of equal knots appear inside.
    counts = rng.poisson(0.4, 2500).astype(float) + rng.choice([0.0, 3.0], 2500, p=[0.9, 0.1])
    counts[0] = -1.0  # one unique minimum, so the repeated zeros are interior
    # Interest rates: 3,000 rows, 900 of them one non-integer rate, so that many interpolated knots
    # fall inside that run and must equal it exactly (a rounding step above it would send the rate
    # to the bottom of its span instead of the middle).
    rates = np.round(rng.uniform(5, 25, 3000), 2)
    rates[rng.choice(3000, 900, replace=False)] = 11.99
    cases = []
    for name, train in (("incomes", incomes), ("counts", counts), ("rates", rates)):
        inside = np.sort(rng.choice(train[train > train.min()], 40, replace=False))
        between = rng.uniform(np.quantile(train, 0.01), train.max(), 20)
        above = np.array([train.max(), train.max() * 2 + 1])
        probe = np.concatenate([inside, between, above, np.unique(train)[1:6], [11.99] if name == "rates" else []])
        cases.append(case(name, train, probe))
    print(json.dumps({"cases": cases}, indent=None))


if __name__ == "__main__":
    main()
