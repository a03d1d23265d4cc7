#!/usr/bin/python3
"""The Python-API side of bench/python_api.py: bench/workloads.cpp's seed-CNN rows
driven from `import deepfin`, with the Keras-style calls a Python user writes.

Each run prints one JSON line, as bench_workloads and torch_workloads.py do.
Usage: python_workloads.py WORKLOAD --data DIR --threads N --repeats R
  cnn_train  one fit() epoch over the first 6,400 training images, batch 32 (as bench_workloads cnn_train)
  seed_job   the seed example: fit(epochs=10, batch_size=32, validation_data=test) over the 60,000 images;
             each epoch's seconds include its validation pass, as the CLI's and PyTorch's do
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build", "release",
                                "python"))
import deepfin  # noqa: E402
from deepfin.layers import Conv2D, Dense, Flatten, MaxPooling2D  # noqa: E402


def seed_cnn():
    model = deepfin.Sequential([
        Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        MaxPooling2D((2, 2)),
        Flatten(),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=deepfin.optimizers.Adam(learning_rate=0.001), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class EpochSeconds(deepfin.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload")
    p.add_argument("--data", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    deepfin.set_num_threads(a.threads)
    deepfin.set_random_seed(1)

    def data(name, n=None):
        return np.load(os.path.join(a.data, name + ".npy"))[:n]

    extra = {}
    if a.workload == "cnn_train":
        x, y = data("fashion_x_train", 6400), deepfin.utils.to_categorical(data("fashion_y_train", 6400), 10)
        model = seed_cnn()
        fit = lambda: model.fit(x, y, epochs=1, batch_size=32, verbose=0)  # noqa: E731
        fit()
        secs = []
        for _ in range(a.repeats):
            s = time.perf_counter()
            fit()
            secs.append(time.perf_counter() - s)
        work = len(x)
    elif a.workload == "seed_job":
        x, y = data("fashion_x_train"), deepfin.utils.to_categorical(data("fashion_y_train"), 10)
        xt, yt = data("fashion_x_test"), deepfin.utils.to_categorical(data("fashion_y_test"), 10)
        timer = EpochSeconds()
        history = seed_cnn().fit(x, y, epochs=10, batch_size=32, validation_data=(xt, yt), callbacks=[timer],
                                 verbose=0)
        secs, work = timer.seconds, 60000
        extra["test_accuracy"] = history.history["val_accuracy"][-1]
    else:
        raise SystemExit(f"unknown workload {a.workload}")
    print(json.dumps({"workload": a.workload, "work_per_call": work, "seconds": secs, "threads": a.threads, **extra}))


if __name__ == "__main__":
    main()
