"""deepfin behaves like a good Python library: training releases the GIL, Ctrl-C
stops fit between batches, Python callbacks get Keras's hooks, the progress bar
follows the output, and every public name is documented and in the type stubs."""

import ast
import inspect
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import deepfin
from deepfin.layers import Dense, Flatten
from deepfin.models import Sequential

PACKAGE = pathlib.Path(deepfin.__file__).parent


def model_and_data(n=4000):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 64)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = Sequential([Dense(256, activation="relu", input_shape=(64,)), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_fit_releases_the_gil():
    model, x, y = model_and_data()
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    start = time.perf_counter()
    model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    during = [t for t in ticks if start <= t <= start + elapsed]
    # With the GIL held for the whole fit, the thread could not tick at all. The bound is loose
    # (5 % of the ticks an idle machine allows) because ctest -j2 shares the 2 cores with another test.
    assert len(during) > max(5, 0.05 * elapsed / 0.0011), (len(during), elapsed)


def test_python_callback_hooks_and_stop_training():
    model, x, y = model_and_data(640)
    calls = []

    class Recorder(deepfin.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append(("train_begin", self.params["epochs"], self.params["steps"]))

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(("epoch_begin", epoch))

        def on_batch_end(self, batch, logs=None):  # Keras 2's name
            calls.append(("batch_end", batch, round(logs["loss"], 6) > 0))

        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 7.0  # Keras lets callbacks add log entries
            calls.append(("epoch_end", epoch, sorted(logs)))
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            calls.append(("train_end",))

    history = model.fit(x, y, epochs=5, batch_size=64, callbacks=[Recorder()], verbose=0)
    assert calls[0] == ("train_begin", 5, 10)
    assert calls[-1] == ("train_end",)
    assert sum(1 for c in calls if c[0] == "batch_end") == 20
    assert ("epoch_end", 1, ["accuracy", "extra", "loss"]) in calls
    assert history.epoch == [0, 1] and history.history["extra"] == [7.0, 7.0]


def test_an_exception_in_a_callback_reaches_the_caller():
    model, x, y = model_and_data(320)

    class Boom(deepfin.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 3:
                raise RuntimeError("boom at batch 3")

    with pytest.raises(RuntimeError, match="boom at batch 3"):
        model.fit(x, y, epochs=1, batch_size=32, callbacks=[Boom()], verbose=0)
    model.fit(x, y, epochs=1, verbose=0)  # and the model trains again afterwards


def test_builtin_callbacks(tmp_path):
    model, x, y = model_and_data(640)
    lrs = []
    cbs = [
        deepfin.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        deepfin.callbacks.ModelCheckpoint(str(tmp_path / "ck-{epoch:02d}.safetensors")),
        deepfin.callbacks.LearningRateScheduler(lambda epoch, lr: lrs.append(lr) or 0.01 / (epoch + 1)),
        deepfin.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0),
        deepfin.callbacks.TerminateOnNaN(),
        deepfin.callbacks.ReduceLROnPlateau(monitor="loss"),
    ]
    history = model.fit(x, y, epochs=5, batch_size=64, callbacks=cbs, verbose=0)
    assert len(history.epoch) == 2  # early stopping: no improvement of 10 after the first epoch
    assert (tmp_path / "log.csv").read_text().splitlines()[0].startswith("epoch")
    assert (tmp_path / "ck-01.safetensors").exists() and (tmp_path / "ck-02.safetensors").exists()
    assert len(lrs) == 2 and model.optimizer.learning_rate == pytest.approx(0.005)


CTRL_C = textwrap.dedent(
    """
    import sys, time, numpy as np, deepfin
    from deepfin.layers import Dense
    x = np.random.default_rng(0).normal(size=(20000, 64)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = deepfin.Sequential([Dense(512, activation="relu", input_shape=(64,)), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    class Ready(deepfin.callbacks.Callback):
        def on_train_begin(self, logs=None):
            print("training", flush=True)
    try:
        model.fit(x, y, epochs=1000, batch_size=32, callbacks=[Ready()], verbose=0)
    except KeyboardInterrupt:
        print("interrupted after", model.optimizer.iterations, "steps", flush=True)
        model.fit(x[:64], y[:64], epochs=1, verbose=0)  # still usable
        print("trains again", flush=True)
        sys.exit(0)
    sys.exit(1)
    """
)


def test_ctrl_c_stops_fit_with_keyboard_interrupt():
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "training"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "interrupted after" in out and "trains again" in out


def test_terminate_on_nan_reports_on_python_stdout(capsys):
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer=deepfin.optimizers.SGD(learning_rate=1e30), loss="mse")
    x = np.full((64, 2), 1e20, np.float32)
    model.fit(x, np.ones((64, 1), np.float32), epochs=3, batch_size=8, verbose=0,
              callbacks=[deepfin.callbacks.TerminateOnNaN()])
    assert capsys.readouterr().out == "Batch 0: Invalid loss, terminating training\n"


def test_run_refuses_serve_and_keeps_the_thread_count(tmp_path):
    with pytest.raises(ValueError, match="command line"):
        deepfin.run("examples/credit_german.toml", "serve")
    before = deepfin.get_num_threads()
    job = deepfin.jobs.merged_job("examples/credit_german.toml",
                                  {"fit": {"epochs": 1}, "output": {"model": str(tmp_path / "m.safetensors")}})
    deepfin.run(job, "train", threads=1, verbose=False)
    assert deepfin.get_num_threads() == before


def test_progress_bar_is_plain_lines_when_not_a_terminal(capsys):
    model, x, y = model_and_data(320)
    model.fit(x, y, epochs=2, batch_size=64, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out
    assert [line.split(" - ")[0] for line in out.splitlines()] == ["Epoch 1/2", "Epoch 2/2"]


def test_progress_bar_redraws_in_a_terminal_or_notebook(monkeypatch, capsys):
    import deepfin.models as models

    monkeypatch.setattr(models, "_live_progress", lambda: True)  # as for a TTY or ipykernel
    model, x, y = model_and_data(320)
    model.fit(x, y, epochs=1, batch_size=64, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "\r" in out and "5/5 [" in out and "/step" in out


def public_names():
    import deepfin.sklearn

    modules = [deepfin.sklearn, deepfin, deepfin.layers, deepfin.optimizers, deepfin.losses, deepfin.metrics, deepfin.callbacks,
               deepfin.models, deepfin.utils, deepfin.jobs, deepfin.credit, deepfin.text, deepfin.forecast]
    for module in modules:
        for name in getattr(module, "__all__", []):
            yield module, name, getattr(module, name)


def test_every_public_name_has_a_docstring():
    missing = [f"{m.__name__}.{n}" for m, n, obj in public_names() if not inspect.getdoc(obj)]
    assert not missing, missing
    assert "units" in str(inspect.signature(deepfin.layers.Dense))
    assert "learning_rate=0.001" in str(inspect.signature(deepfin.optimizers.Adam))


def test_type_stubs_name_every_public_name():
    stubbed = {}
    for stub in PACKAGE.glob("*.pyi"):
        tree = ast.parse(stub.read_text())
        names = {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}
        names |= {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                  if isinstance(t, ast.Name)}
        names |= {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names}
        names |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)}
        stubbed[stub.stem] = names
    assert (PACKAGE / "py.typed").exists()
    for module, name, _ in public_names():
        stem = module.__name__.split(".")[-1] if module is not deepfin else "__init__"
        if stem not in stubbed:
            continue  # a plain-Python module: editors read its annotations directly
        assert name in stubbed[stem], f"{module.__name__}.{name} is not in {stem}.pyi"


def test_stubs_are_current():
    """The committed stubs are what tools/make_stubs.py writes from the package now."""
    script = pathlib.Path(__file__).resolve().parents[1] / "tools" / "make_stubs.py"
    out = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_pip_metadata_has_the_library_version():
    import tomllib

    pyproject = pathlib.Path(__file__).resolve().parents[2] / "pyproject.toml"
    with open(pyproject, "rb") as f:
        assert tomllib.load(f)["project"]["version"] == deepfin.__version__
