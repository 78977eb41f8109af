"""
Title: Sequential API
Description: A 32-input, 64-64-10 classifier as a keras.Sequential stack opened by keras.Input.
Section: Frameworks
Aliases: sequential-api, keras-sequential, model-add
Use when: stack of layers, model has no input shape, input_shape warning, count_params fails,
    unbuilt model, count parameters
See also: functional, basics
Functions: build_sequential_model
Backends: tensorflow, jax, torch

## Note

keras.Sequential is a list of layers applied in order: one input, one output, no branches, which
is all a plain stack needs. Opening the list with keras.Input(shape=(32,)) fixes the input
width, so every layer creates its weights at once and count_params() and summary() work before
any data is seen. Each Dense layer has inputs x units weights plus one bias per unit: 32*64+64 +
64*64+64 + 64*10+10 = 6,922. model.add(layer) builds the same stack one layer at a time.

## Pitfalls

- The original tf.keras 2 sheet's Sequential has no input: Keras 3 leaves it unbuilt, so
  `count_params()` raises ValueError and `summary()` lists '0 (unbuilt)' until the first call.
  Open the list with `keras.Input(shape=(32,))`.
- `input_shape=` on the first layer still works in Keras 3 but warns (UserWarning: "Do not pass
  an `input_shape`"); `keras.Input` replaces it.
- Write `import keras`: since TensorFlow 2.16 `tf.keras` is this same Keras 3, but `import
  keras` runs on the JAX and PyTorch backends too and needs no TensorFlow import.
"""

import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split


def build_sequential_model(input_dim=32, num_classes=10):
    """One input, one output, layers applied in list order: the Sequential API's whole job."""
    return keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),  # (batch, 32): declared first, so the model is built
            keras.layers.Dense(64, activation="relu"),  # (batch, 64)
            keras.layers.Dense(64, activation="relu"),  # (batch, 64)
            keras.layers.Dense(num_classes, activation="softmax"),  # (batch, 10), rows sum to 1
        ],
        name="sequential_classifier",
    )


def load_data(seed=0, input_dim=32, num_classes=10):
    """A generated 10-class problem with 32 features (no download), split 75/25."""
    features, labels = make_classification(
        n_samples=2000, n_features=input_dim, n_informative=16, n_classes=num_classes,
        n_clusters_per_class=1, class_sep=2.0, random_state=seed)
    return train_test_split(features.astype("float32"), labels, test_size=0.25,
                            random_state=seed, stratify=labels)


def demo(seed=0, epochs=5, verbose=0):
    """Train the Sequential classifier; held-out accuracy should reach 0.9."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_sequential_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                  loss=keras.losses.SparseCategoricalCrossentropy(),  # integer labels 0..9
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=100, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.9,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
