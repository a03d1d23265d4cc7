"""deepfin.sklearn estimators in scikit-learn's machinery, and its estimator checks."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import deepfin
from deepfin.sklearn import NeuralClassifier, NeuralRegressor


def test_classifier_in_pipeline_cross_val_and_grid_search():
    X, y = make_classification(n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0)
    pipe = make_pipeline(StandardScaler(), NeuralClassifier(epochs=30, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.7
    grid = GridSearchCV(NeuralClassifier(epochs=20, random_state=0), {"hidden_units": [(8,), (32,)]}, cv=2)
    grid.fit(X, y)
    assert grid.best_params_["hidden_units"] in [(8,), (32,)]
    assert grid.predict(X).shape == (300,)
    assert grid.predict_proba(X).shape == (300, 3)


def test_string_labels_binary_and_a_build_function():
    X, y = make_classification(n_samples=200, n_features=5, random_state=1)
    labels = np.where(y == 1, "bad", "good")

    def build(n_features, n_outputs, width=4):
        model = deepfin.Sequential([deepfin.layers.Dense(width, activation="relu", input_shape=(n_features,)),
                                    deepfin.layers.Dense(n_outputs, activation="sigmoid")])
        model.compile(optimizer=deepfin.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy")
        return model

    clf = NeuralClassifier(model=build, model_kwargs={"width": 6}, epochs=30, random_state=0).fit(X, labels)
    assert list(clf.classes_) == ["bad", "good"]
    assert set(clf.predict(X)) <= {"bad", "good"}
    assert clf.score(X, labels) > 0.8
    assert clf.model_.layers[0].get_config()["units"] == 6


def test_regressor_multi_output_and_determinism():
    X, y = make_regression(n_samples=200, n_features=4, n_targets=2, noise=0.1, random_state=2)
    y = y / y.std(axis=0)
    a = NeuralRegressor(epochs=40, random_state=3).fit(X, y)
    b = NeuralRegressor(epochs=40, random_state=3).fit(X, y)
    assert a.predict(X).shape == (200, 2)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.score(X, y) > 0.8


@pytest.mark.parametrize("estimator", [NeuralClassifier(), NeuralRegressor()], ids=lambda e: type(e).__name__)
def test_sklearn_estimator_checks(estimator):
    # Two checks cannot hold for minibatch training; the estimators declare them
    # (_XFAIL, with the reason), and check_estimator reports them as skipped.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(estimator)
