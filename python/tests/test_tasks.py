"""The finance tasks from Python run the same recipes as the deepfin command:
credit scoring from a CSV path or a DataFrame, text classification from lists,
forecasting with a backtest, and whole job files through deepfin.run."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import deepfin

GERMAN = "examples/credit_german.toml"
FAST = {"fit": {"epochs": 5, "batch_size": 32, "verbose": 0}}


@pytest.fixture
def german(shared):
    return pd.read_csv(shared / "uci_german_credit" / "credit-g.csv")


def test_credit_from_a_dataframe_matches_the_same_rows_from_the_file(german, tmp_path):
    path = tmp_path / "rows.csv"
    german.iloc[:300].to_csv(path, index=False)
    from_frame = deepfin.CreditModel(GERMAN, **FAST).fit(german.iloc[:300])
    from_file = deepfin.CreditModel(GERMAN, **FAST).fit(path)
    np.testing.assert_array_equal(from_frame.predict_proba(german.iloc[300:340]),
                                  from_file.predict_proba(german.iloc[300:340]))
    p = from_frame.predict_proba(german.iloc[300:340])
    assert p.shape == (40, 2) and np.allclose(p.sum(axis=1), 1.0)
    decisions = from_frame.predict(german.iloc[300:340])
    np.testing.assert_array_equal(decisions, (p[:, 1] >= from_frame.threshold).astype(int))


def test_credit_fit_on_the_job_file_evaluates_the_held_out_part(german):
    model = deepfin.CreditModel(GERMAN, **FAST).fit()
    metrics = model.evaluate()
    assert 0.6 < metrics["auc"] <= 1.0 and "ks" in metrics and "mean_cost" in metrics
    assert len(model.history_["loss"]) == 5


def test_credit_without_a_validation_split_chooses_its_epochs_by_early_stopping(german):
    import tomllib

    with open(GERMAN, "rb") as f:
        job = tomllib.load(f)
    job["fit"] = {"epochs": 40, "batch_size": 32, "verbose": 0}  # the example's early_stopping = false gone
    model = deepfin.CreditModel(job).fit(german.iloc[:400])
    assert 0 < model.chosen_epochs_ <= 40
    assert len(model.history_["loss"]) == model.chosen_epochs_  # the refit on every row ran that many
    fixed = deepfin.CreditModel(GERMAN, **FAST).fit(german.iloc[:400])
    assert fixed.chosen_epochs_ == 0 and len(fixed.history_["loss"]) == 5


def test_credit_explain_gives_at_most_four_ordered_reasons(german):
    model = deepfin.CreditModel(GERMAN, **FAST).fit(german.iloc[:400])
    explained = model.explain(german.iloc[400:410])
    assert len(explained) == 10
    for row in explained:
        assert row["decision"] in ("adverse", "accept")
        contributions = [r["log_odds_contribution"] for r in row["reasons"]]
        assert len(contributions) <= 4 and contributions == sorted(contributions, reverse=True)
        assert all(c > 0 for c in contributions)
        assert set(row["attributions"]) <= set(german.columns)


def test_credit_cv_report_save_and_load(german, tmp_path, capsys):
    model = deepfin.CreditModel(GERMAN, **FAST)
    cv = model.cv(folds=3, verbose=True)  # progress lines come back into Python from the engine's threads
    mean, std = cv["summary"]["auc"]
    assert len(cv["folds"]) == 3 and 0.5 < mean < 1 and std >= 0
    assert capsys.readouterr().out.count("fold ") == 3
    report = model.report(str(tmp_path / "report"), folds=0, explain_rows=20)
    assert os.path.exists(report) and "AUC" in open(report).read()
    model.save(tmp_path / "credit.safetensors")
    loaded = deepfin.CreditModel.load(tmp_path / "credit.safetensors")
    np.testing.assert_array_equal(loaded.predict_proba(german.iloc[:20]), model.predict_proba(german.iloc[:20]))


def test_credit_dataframe_missing_values_and_unknown_columns(german):
    model = deepfin.CreditModel(GERMAN, **FAST).fit(german.iloc[:300])
    rows = german.iloc[300:305].copy()
    rows.loc[rows.index[0], "duration"] = np.nan  # imputed, as an empty CSV cell
    assert np.all(np.isfinite(model.predict_proba(rows)))
    with pytest.raises(Exception, match="duration"):
        model.predict_proba(rows.drop(columns=["duration"]))


def test_text_classifier_on_lists(shared):
    lines = (shared / "financial_phrasebank" / "Sentences_AllAgree.txt").read_bytes().decode("latin-1").splitlines()
    pairs = [line.rsplit("@", 1) for line in lines if "@" in line]
    order = np.random.default_rng(3).permutation(len(pairs))  # the file is grouped by label
    texts, labels = [pairs[i][0] for i in order], [pairs[i][1].strip() for i in order]
    clf = deepfin.TextClassifier("examples/phrasebank_allagree.toml", text={"ensemble": 1}, fit={"epochs": 3})
    clf.fit(texts[:1500], labels[:1500])
    assert clf.classes_ == sorted(set(labels[:1500]))
    report = clf.evaluate(texts[1500:], labels[1500:])
    assert report["accuracy"] > 0.6 and set(report["classes"]) == set(clf.classes_)
    details = clf.predict_details(["Profit rose 20 % in the quarter."])
    assert details[0]["label"] in clf.classes_ and 0 < details[0]["confidence"] <= 1
    assert clf.predict_proba(texts[:3]).shape == (3, len(clf.classes_))
    # The example stacks a linear TF-IDF model; its parts' held-out accuracies are reported.
    assert abs(clf.validation_["rows"] - 150) <= 3 and 0 <= clf.validation_["linear_weight"] <= 1
    assert clf.validation_["linear_accuracy"] > 0.7
    with pytest.raises(TypeError, match="texts\\[1\\]"):
        clf.predict(["fine", 3])


def test_forecaster_fit_and_saved_forecaster(shared, tmp_path):
    f = deepfin.Forecaster("examples/forecast_sp500.toml", fit={"epochs": 1})
    result = f.fit()
    assert len(result.dates) == len(result.predicted) > 100
    assert set(result.metrics) == {"model", "random_walk", "always_up"}
    assert "sharpe" in result.strategy
    f.save(tmp_path / "f.safetensors")
    saved = deepfin.load_forecaster(tmp_path / "f.safetensors")
    recent = pd.read_csv(shared / "sp500_fred_daily" / "fred_sp500.csv").tail(200)
    nxt = saved.next(recent)
    assert np.isfinite(nxt["price"]) and nxt["after"]


def test_forecaster_of_variance_against_ewma_and_garch(shared, tmp_path):
    f = deepfin.Forecaster("examples/volatility_sp500.toml", fit={"epochs": 1})
    result = f.fit()
    assert result.target_kind == "variance"
    names = [name for name, _ in result.variance_forecasts]
    assert names[0] == "model" and names[2] == "GARCH(1,1)" and names[3] == "combination"
    assert len(result.realized_variance) == len(result.variance_forecasts[0][1]) > 100
    assert "Diebold-Mariano" in result.summary and "Basel zone" in result.summary
    tests = result.variance_tests  # (model, combination) x (EWMA, GARCH) x (QLIKE, MSE)
    assert [t["forecaster"] for t in tests] == ["model"] * 4 + ["combination"] * 4
    assert all(0 <= t["p_value"] <= 1 and t["verdict"] in ("beats", "ties", "loses") for t in tests)
    var = result.value_at_risk  # 4 forecasters x (99 %, 97.5 %), filtered historical by default
    assert len(var) == 8 and result.var_note == ""
    assert all(v["var_multiple"] > 1.5 for v in var)
    # the EWMA and GARCH: every out-of-sample day before the test span; the model and the
    # combination: the second half of that span, forecast by a fit on the first half
    n = [v["calibration_returns"] for v in var]
    assert n[2] == n[3] == n[4] == n[5] > 1000 and 800 < n[0] == n[1] == n[6] == n[7] < n[2]
    assert var[0]["points"] == len(result.realized_variance)
    f.save(tmp_path / "v.safetensors")
    saved = deepfin.load_forecaster(tmp_path / "v.safetensors")
    nxt = saved.next(pd.read_csv(shared / "sp500_fred_daily" / "fred_sp500.csv").dropna().tail(300))
    assert 0 < nxt["variance"] < 0.01 and nxt["volatility"] == pytest.approx(np.sqrt(nxt["variance"]))
    assert "price" not in nxt
    three = nxt["variance"] * nxt["ewma_variance"] * nxt["garch_variance"]
    assert nxt["combination_variance"] == pytest.approx(three ** (1 / 3), rel=1e-12)


def test_return_forecasts_carry_their_significance(shared):
    result = deepfin.Forecaster("examples/forecast_sp500.toml", fit={"epochs": 1}).fit()
    sig = result.significance
    assert 0 <= sig["versus_random_walk"]["p_value"] <= 1
    assert sig["sharpe_versus_hold"]["lower"] <= sig["sharpe_versus_hold"]["upper"]
    assert result.warning == ""  # the S&P 500 is a traded price


def test_run_a_job_file_like_the_command(tmp_path, shared):
    job = deepfin.jobs.merged_job(GERMAN, {**FAST, "output": {"model": str(tmp_path / "m.safetensors")}})
    events = deepfin.run(job, "train", verbose=False)
    kinds = [e.get("event") for e in events]
    assert kinds[0] == "run" and "saved" in kinds
    test = [e for e in events if e.get("event") == "test"][0]
    assert 0.5 < test["auc"] <= 1
    assert os.path.exists(tmp_path / "m.safetensors")
    cv = deepfin.run(job, "cv", "--folds", "2", verbose=False)
    assert any(e.get("event") == "fold" for e in cv)
    with pytest.raises(ValueError, match="folds"):
        deepfin.run(job, "cv", "--folds", "zero", verbose=False)


def test_dataframe_cells_read_as_the_csv_file_holds_them():
    from deepfin._tables import _cell

    assert _cell(1.0) == "1"  # an integer column that pandas made float because of a NaN
    assert _cell(2.5) == "2.5" and _cell(np.float32(0.1)) == repr(float(np.float32(0.1)))
    assert _cell(float("nan")) is None and _cell(None) is None and _cell(pd.NA) is None
    assert _cell(True) == "true" and _cell("bad") == "bad" and _cell(np.int64(7)) == "7"
