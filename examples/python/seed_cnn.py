"""The seed paper's Keras program, run on deepfin: only the imports differ.

First write the data the seed loads (Fashion-MNIST from the Debian package):
    ./build/release/deepfin export-fashion-mnist out/fashion
then, from the repository root:
    PYTHONPATH=build/release/python python3 examples/python/seed_cnn.py out/fashion
"""

import os
import sys

import numpy as np
from sklearn.model_selection import train_test_split

# keras.models / keras.layers / keras.optimizers / keras.utils in the seed:
from deepfin.layers import Conv2D, Dense, Flatten, MaxPooling2D
from deepfin.models import Sequential
from deepfin.optimizers import Adam
from deepfin.utils import to_categorical

folder = sys.argv[1] if len(sys.argv) > 1 else "."
data = np.load(os.path.join(folder, "data.npy"))
labels = np.load(os.path.join(folder, "labels.npy"))
X_train, X_test, y_train, y_test = train_test_split(data, labels, test_size=0.2, random_state=42)
y_train = to_categorical(y_train, 10)
y_test = to_categorical(y_test, 10)

model = Sequential()
model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(optimizer=Adam(lr=0.001), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=10, batch_size=32, validation_data=(X_test, y_test))
loss, accuracy = model.evaluate(X_test, y_test)
print("Test accuracy:", accuracy)
