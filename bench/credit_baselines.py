#!/usr/bin/python3
"""Logistic regression, random forest and XGBoost on the outer folds of `deepfin tune`.

`deepfin tune JOB` writes folds.csv (each row's outer fold) beside its nested
scores; this script scores the practitioners' baselines on exactly those folds,
with the preprocessing of ../shared/data/BASELINES.md (numeric: median impute +
standardise; categorical: most-frequent impute + one-hot):

  - LogisticRegression(C=1, liblinear) and RandomForest(300 trees,
    min_samples_leaf=2), as in BASELINES.md;
  - XGBoost (Debian's python3-xgboost), its hyper-parameters chosen inside each
    outer training part by 3-fold CV from a small grid fixed before any result
    was seen: n_estimators {200, 500} x max_depth {3, 6} x learning_rate
    {0.03, 0.1}, subsample 0.8, colsample_bytree 0.8, min_child_weight 1.

It prints the AUC mean ± std over the outer folds for each model, the same
numbers `deepfin tune` prints for the tuned and the as-written deepfin recipe.

    deepfin tune examples/credit_german.toml          # writes report/credit_german/folds.csv
    bench/credit_baselines.py ../shared/data/uci_german_credit/credit-g.csv class bad \\
        report/credit_german/folds.csv
"""
import argparse
import itertools
import statistics

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from xgboost import XGBClassifier

GRID = [dict(n_estimators=n, max_depth=d, learning_rate=lr, subsample=0.8, colsample_bytree=0.8,
             min_child_weight=1, tree_method="hist", n_jobs=2, random_state=0, eval_metric="logloss")
        for n, d, lr in itertools.product((200, 500), (3, 6), (0.03, 0.1))]


def preprocess(x):
    numeric = x.select_dtypes(include="number").columns.tolist()
    categorical = [c for c in x.columns if c not in numeric]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), categorical)])


def auc(model, x, y, train, test):
    model.fit(x.iloc[train], y[train])
    return roc_auc_score(y[test], model.predict_proba(x.iloc[test])[:, 1])


def xgboost(x, y, train, test):
    inner = StratifiedKFold(3, shuffle=True, random_state=0)
    best, best_score = None, -1.0
    for params in GRID:
        scores = [auc(Pipeline([("pre", preprocess(x)), ("m", XGBClassifier(**params))]), x, y,
                      train[a], train[b]) for a, b in inner.split(train, y[train])]
        if np.mean(scores) > best_score:
            best, best_score = params, np.mean(scores)
    return auc(Pipeline([("pre", preprocess(x)), ("m", XGBClassifier(**best))]), x, y, train, test), best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("csv")
    p.add_argument("target")
    p.add_argument("positive")
    p.add_argument("folds", help="folds.csv written by deepfin tune")
    args = p.parse_args()
    data = pd.read_csv(args.csv)
    y = (data[args.target].astype(str) == args.positive).to_numpy().astype(int)
    x = data.drop(columns=[args.target])
    fold = pd.read_csv(args.folds)["outer_fold"].to_numpy()
    if len(fold) != len(data):
        raise SystemExit(f"{args.folds} has {len(fold)} rows, {args.csv} {len(data)}")
    results = {"logistic regression": [], "random forest": [], "XGBoost (nested grid)": []}
    chosen = []
    for k in sorted(set(fold)):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        results["logistic regression"].append(auc(Pipeline([("pre", preprocess(x)), (
            "m", LogisticRegression(C=1.0, solver="liblinear"))]), x, y, train, test))
        results["random forest"].append(auc(Pipeline([("pre", preprocess(x)), ("m", RandomForestClassifier(
            n_estimators=300, min_samples_leaf=2, n_jobs=2, random_state=0))]), x, y, train, test))
        score, params = xgboost(x, y, train, test)
        results["XGBoost (nested grid)"].append(score)
        chosen.append((params["n_estimators"], params["max_depth"], params["learning_rate"]))
        print(f"fold {k}: " + ", ".join(f"{name} {v[-1]:.4f}" for name, v in results.items()), flush=True)
    print(f"| model | AUC over {len(set(fold))} outer folds |\n|---|---|")
    for name, v in results.items():
        print(f"| {name} | {statistics.mean(v):.4f} ± {statistics.stdev(v):.4f} |")
    print("XGBoost's choices (trees, depth, rate) per fold:", chosen)


if __name__ == "__main__":
    main()
