"""Fair lending: deepfin's group metrics equal an independent numpy/pandas computation of
their definitions (Fairlearn's, written from its documentation, not imported), on the
German and credit_data sets; excluded protected columns do not reach the model; and no
reason code names a protected attribute, across every row of the shared credit sets that
have one (German, credit_data, AER credit card)."""

import numpy as np
import pandas as pd
import pytest

import deepfin

JOBS = {
    "german": ("examples/credit_german_fair.toml", "uci_german_credit/credit-g.csv", "class"),
    "credit_data": ("examples/credit_data_fair.toml", "modeldata_credit_data/credit_data.csv", "Status"),
}
FAST = {"fit": {"epochs": 8, "batch_size": 32, "verbose": 0}}


def groups_of(df, attribute, job):
    """The groups of the job's [fairness.groups] grouping, in pandas."""
    grouping = job.get("fairness", {}).get("groups", {}).get(attribute, {})
    values = df[attribute]
    if "bands" in grouping:
        cuts = grouping["bands"]
        labels = [f"<{cuts[0]:g}"] + [f"{a:g}-{b:g}" for a, b in zip(cuts, cuts[1:])] + [f">={cuts[-1]:g}"]
        out = pd.cut(values, [-np.inf] + list(cuts) + [np.inf], right=False, labels=labels).astype(str)
    elif grouping:
        out = values.map(grouping)
    else:
        out = values.astype(str)
    return out.where(values.notna(), "(missing)")


def auc(p, y):
    """Mann-Whitney: P(score of a bad row > score of a good row), ties counted half."""
    pos, neg = p[y == 1], p[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return np.nan
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return greater / (len(pos) * len(neg))


def independent_rates(p, y, groups, threshold):
    approved = p < threshold
    rates = {}
    for g in sorted(set(groups)):
        m = groups == g
        good, bad = m & (y == 0), m & (y == 1)
        rates[g] = {
            "approval_rate": approved[m].mean(),  # Fairlearn's selection rate, approval selected
            "tpr": approved[good].mean() if good.any() else np.nan,
            "fpr": approved[bad].mean() if bad.any() else np.nan,
            "auc": auc(p[m], y[m]),
            "observed_default_rate": y[m].mean(),
            "predicted_default_rate": p[m].mean(),
        }
    reference = max(rates, key=lambda g: rates[g]["approval_rate"])
    for g in rates:
        rates[g]["adverse_impact_ratio"] = rates[g]["approval_rate"] / rates[reference]["approval_rate"]
        rates[g]["equal_opportunity_difference"] = rates[g]["tpr"] - rates[reference]["tpr"]
    return rates, reference


@pytest.fixture(params=sorted(JOBS))
def dataset(request, shared):
    import tomllib

    job_path, data_path, target = JOBS[request.param]
    with open(job_path, "rb") as f:
        job = tomllib.load(f)
    df = pd.read_csv(shared / data_path)
    positive = job["data"]["positive_label"]
    rng = np.random.default_rng(5)
    test = rng.random(len(df)) < 0.3
    return job_path, job, df, target, positive, df[~test], df[test]


def test_group_metrics_equal_an_independent_computation(dataset):
    job_path, job, df, target, positive, train, test = dataset
    model = deepfin.CreditModel(job_path, **FAST).fit(train)
    p = model.predict_proba(test)[:, 1]
    y = (test[target] == positive).astype(int).to_numpy()
    min_rows = job["fairness"]["min_group_rows"]
    for table in model.fairness(test):
        groups = groups_of(test, table["attribute"], job).to_numpy()
        keep = np.isin(groups, [g for g, n in zip(*np.unique(groups, return_counts=True)) if n >= min_rows])
        for key in ("at_model_threshold", "at_min_cost"):
            t = table[key]
            if not t["groups"]:
                continue
            expected, reference = independent_rates(p[keep], y[keep], groups[keep], t["threshold"])
            assert t["reference_group"] == reference
            assert set(t["groups"]) == set(expected)
            for g, e in expected.items():
                got = t["groups"][g]
                assert got["rows"] == int((groups[keep] == g).sum())
                for metric, value in e.items():
                    np.testing.assert_allclose(got["value"][metric], value, rtol=1e-9, atol=1e-12,
                                               err_msg=f"{table['attribute']} {g} {metric} ({key})")
                    lo, hi = got["low"][metric], got["high"][metric]
                    if not np.isnan(lo):
                        assert lo <= hi


def test_excluded_columns_do_not_reach_the_model(dataset):
    job_path, job, df, target, positive, train, test = dataset
    shuffled = train.copy()
    rng = np.random.default_rng(1)
    for column in job["fairness"]["protected"]:
        shuffled[column] = rng.permutation(shuffled[column].to_numpy())
    a = deepfin.CreditModel(job_path, **FAST).fit(train).predict_proba(test)
    b = deepfin.CreditModel(job_path, **FAST).fit(shuffled).predict_proba(test)
    np.testing.assert_array_equal(a, b)  # bit for bit


def test_no_reason_code_names_a_protected_attribute(dataset):
    job_path, job, df, target, positive, train, test = dataset
    # "monitor": the protected columns are model inputs, so the model could cite them.
    model = deepfin.CreditModel(job_path, fairness={"use": "monitor"}, **FAST).fit(train)
    protected = set(job["fairness"]["protected"])
    assert protected <= set(model.model_.columns)
    wordings = set(job["reasons"].values())
    cited = 0
    for row in model.explain(df):  # every row of the set
        assert len(row["reasons"]) <= 4
        for reason in row["reasons"]:
            assert reason["column"] not in protected
            assert reason["reason"] in wordings
            cited += 1
    assert cited > len(df)


def test_no_reason_code_names_age_on_the_aer_credit_card_set(shared):
    """The third shared credit set with a protected attribute: age, as a model input under "monitor"."""
    df = pd.read_csv(shared / "aer_creditcard" / "CreditCard.csv")
    job = {
        "seed": 42,
        "data": {"source": "csv", "path": str(shared / "aer_creditcard" / "CreditCard.csv"), "target": "card",
                 "positive_label": "no"},
        "model": {"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": 16, "activation": "relu"}},
            {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}},
        "compile": {"optimizer": "adam", "loss": "binary_crossentropy"},
        "fit": {"epochs": 5, "verbose": 0},
        "fairness": {"protected": ["age"], "use": "monitor", "groups": {"age": {"bands": [30, 45]}}},
    }
    model = deepfin.CreditModel(job).fit(df)
    assert "age" in model.model_.columns
    rows = model.explain(df)
    assert len(rows) == len(df)
    assert all(reason["column"] != "age" for row in rows for reason in row["reasons"])
