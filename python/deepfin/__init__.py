"""deepfin: deep learning for financial technology, from Python.

The Keras-style API (``deepfin.Sequential``, ``deepfin.layers``, ``deepfin.optimizers``,
``deepfin.losses``, ``deepfin.metrics``, ``deepfin.callbacks``) runs on deepfin's C++
engine; numpy arrays cross without copies. The finance tasks (``CreditModel``,
``TextClassifier``, ``Forecaster``), the job-file runner (``deepfin.run``) and the
hyper-parameter search (``deepfin.tune``) are the same recipes the ``deepfin`` command
runs. ``deepfin.sklearn`` has scikit-learn estimators.
"""

from . import _deepfin
from ._deepfin import DeepfinError, Tensor, get_num_threads, set_num_threads, set_random_seed
from . import callbacks, layers, losses, metrics, optimizers, utils
from .models import Model, Sequential, load_model
from .jobs import load_job, run
from .tuning import TuneResult, tune
from .credit import CreditModel
from .text import TextClassifier
from .forecast import Forecaster, load_forecaster

__version__ = _deepfin.__version__

__all__ = [
    "DeepfinError",
    "Tensor",
    "Model",
    "Sequential",
    "load_model",
    "layers",
    "optimizers",
    "losses",
    "metrics",
    "callbacks",
    "utils",
    "run",
    "load_job",
    "tune",
    "TuneResult",
    "CreditModel",
    "TextClassifier",
    "Forecaster",
    "load_forecaster",
    "set_random_seed",
    "set_num_threads",
    "get_num_threads",
]
