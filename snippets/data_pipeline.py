"""
Title: Data pipelines
Description: Feed fit() batches from a PyDataset or tf.data, with Normalization adapted to the data.
Section: Data
Aliases: pydataset, tf.data, tfdata, dataset, input-pipeline, adapt, prefetch, standardization
Use when: data pipeline, data loader, feed data in batches, data does not fit in memory, shuffle
    data, batch data, prefetch, standardize features, feature scaling, input pipeline, dataset does
    not fit in memory, out of memory loading data, data generator, fit_generator, pydataset, slow
    input
See also: class-imbalance, batch-norm, sequential
Functions: ArrayBatches, make_tf_dataset, build_classifier, load_data
Backends: tensorflow, jax, torch

## Note

fit() can take arrays, but a pipeline hands it one batch at a time, so the data need not sit in
memory whole and can be read, decoded or augmented while the model trains. keras.utils.PyDataset
works with every backend: `__len__` is the number of batches per epoch (ceil(n / batch_size), the
last one smaller), `__getitem__(i)` returns batch i as (x, y), and `on_epoch_end` reshuffles, so
each epoch sees every example exactly once in a new order; `workers=` and
`use_multiprocessing=` in its constructor load batches in parallel. tf.data is TensorFlow's
pipeline: `from_tensor_slices` -> `shuffle(buffer)` -> `batch` -> `prefetch(AUTOTUNE)`, where
prefetching prepares the next batch while the current one trains. It needs TensorFlow installed,
and Keras 3 feeds its batches to the jax and torch backends too, so the card builds it only where
TensorFlow imports. A pipeline changes how examples arrive, not what is learned: fed the same
batches in the same order, the model ends with the same weights as fit() on the arrays.
`keras.layers.Normalization` inside the model standardizes each feature with the mean and
variance that `adapt()` measured once on the training data (the population variance, as
scikit-learn's StandardScaler), so the saved model carries its own preprocessing. On the demo's
breast-cancer data, whose feature means run from about 0.004 to about 900, it is what lets a
small network learn in five epochs: without it, held-out accuracy stays below the target.

## Pitfalls

- A PyDataset subclass must call `super().__init__(**kwargs)`, or Keras warns and ignores
  `workers` and `use_multiprocessing`.
- fit()'s `shuffle=True` (its default) reorders a PyDataset's whole batches, never the examples
  inside them; for tf.data Keras 3 ignores it with a warning. Shuffle in the pipeline
  (`on_epoch_end`, `dataset.shuffle()`) and pass `shuffle=False` to fit().
- `dataset.shuffle(buffer_size)` only shuffles within a sliding buffer: a buffer smaller than the
  data set leaves sorted data almost sorted. Use the data set's size when it fits in memory.
- Shuffle before `batch()`: batching first makes tf.data shuffle whole batches, so the same
  examples always train together.
- A `Normalization()` never adapted (and given no `mean=`, `variance=`) is silently the identity,
  mean 0 and variance 1. Adapt on the training split only, never on the test data.
"""

import importlib.util
import math

import keras
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


class ArrayBatches(keras.utils.PyDataset):
    """Batches of (x, y) from in-memory arrays, reshuffled every epoch. Reading files instead
    would load them in __getitem__: only one batch is in memory at a time."""

    def __init__(self, x, y, batch_size=32, shuffle=True, seed=0, **kwargs):
        super().__init__(**kwargs)  # workers, use_multiprocessing, max_queue_size
        self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(x)) if shuffle else np.arange(len(x))

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)  # batches per epoch; the last is smaller

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]  # (batch, features), (batch,)

    def on_epoch_end(self):
        if self.shuffle:  # a new order each epoch; every example still comes exactly once
            self.rng.shuffle(self.order)


def make_tf_dataset(x, y, batch_size=32, shuffle=True, seed=0):
    """The same batches as a tf.data pipeline (needs TensorFlow installed; feeds any backend)."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))  # one (features, label) per example
    if shuffle:  # a buffer as large as the data set: a full shuffle, redone every epoch
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)  # shuffle, then batch


def build_classifier(x_train, normalize=True):
    """Normalization adapted to the training features, then a small binary classifier."""
    inputs = keras.Input(shape=(x_train.shape[1],))  # (batch, 30)
    hidden = inputs
    if normalize:
        normalization = keras.layers.Normalization()  # (x - mean) / sqrt(variance), per feature
        normalization.adapt(x_train)  # measures mean and variance once, on training data only
        hidden = normalization(hidden)  # (batch, 30)
    hidden = keras.layers.Dense(16, activation="relu")(hidden)  # (batch, 16)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)  # (batch, 1), P(benign)
    model = keras.Model(inputs, outputs, name="pipeline_classifier")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
    return model


def load_data(seed=0):
    """scikit-learn's bundled breast-cancer set: 569 tumours, 30 features on very different
    scales; label 1 = benign."""
    x, y = load_breast_cancer(return_X_y=True)
    return train_test_split(x.astype("float32"), y.astype("float32"), test_size=0.3,
                            random_state=seed, stratify=y)


def tf_data_available():
    """tf.data needs TensorFlow installed, whatever the Keras backend."""
    return importlib.util.find_spec("tensorflow") is not None


def demo(seed=0, verbose=0, normalize=True, pipeline="pydataset", epochs=5):
    """Train through a pipeline (PyDataset, or "tf.data"); report held-out accuracy."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    if pipeline == "tf.data" and not tf_data_available():
        raise ValueError("pipeline='tf.data' needs TensorFlow installed")
    model = build_classifier(x_train, normalize=normalize)
    if pipeline == "tf.data":
        batches = make_tf_dataset(x_train, y_train, batch_size=32, seed=seed)
    else:
        batches = ArrayBatches(x_train, y_train, batch_size=32, seed=seed)
    history = model.fit(batches, epochs=epochs, shuffle=False, verbose=verbose)  # it shuffles
    probabilities = model.predict(x_test, verbose=verbose)[:, 0]  # P(class 1) per sample
    predicted = (probabilities > 0.5).astype("float32")
    return {
        "metric": f"held-out accuracy, trained through {pipeline}",
        "value": float(np.mean(predicted == y_test)),
        "target": 0.93,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
    if tf_data_available():
        print(f"through tf.data: {demo(pipeline='tf.data')['value']:.3f}")
