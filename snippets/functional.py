"""
Title: Functional API
Description: The same 64-64-10 classifier as a graph of layer calls, plus a feature extractor.
Section: Frameworks
Aliases: functional-api, keras-model, feature-extractor
Use when: several inputs or outputs, skip connections, shared layers, feature extractor, output of
    an inner layer, clone a model, two inputs, multiple inputs, multiple outputs
See also: sequential, pytorch
Functions: build_functional_model, feature_extractor
Backends: tensorflow, jax, torch

## Note

The Functional API calls layers on symbolic tensors: keras.Input is a placeholder, each layer
call returns a new tensor, and keras.Model(inputs, outputs) keeps the graph between them. For
the original tf.keras 2 sheet's 64-64-10 stack the result is the Sequential model layer for
layer (the same 6,922 weights give the same outputs), but a graph also allows several inputs or
outputs, shared layers and skip connections, and models cut from inner layers: feature_extractor
ends at the second hidden layer and shares the classifier's trained weights rather than copying
them.

## Pitfalls

- Start the graph with `keras.Input(shape=(32,))`: the shape leaves out the batch axis, and
  `input_shape=` on a layer still works but warns in Keras 3.
- Name the layers you will look up: `get_layer("hidden_2")` is stable, while automatic names
  like `dense_7` change with how many layers the session has made.
- A model cut with `keras.Model(model.inputs, layer.output)` shares its layers: training either
  one changes both. For an independent copy, `keras.models.clone_model(model)` rebuilds the
  layers with new random weights; add `clone.set_weights(model.get_weights())` for an equal one.
"""

import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split


def build_functional_model(input_dim=32, num_classes=10):
    """Call each layer on a tensor; keras.Model(inputs, outputs) wraps the graph between them."""
    inputs = keras.Input(shape=(input_dim,), name="features")  # (batch, 32)
    hidden = keras.layers.Dense(64, activation="relu", name="hidden_1")(inputs)  # (batch, 64)
    hidden = keras.layers.Dense(64, activation="relu", name="hidden_2")(hidden)  # (batch, 64)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="classes")(hidden)
    return keras.Model(inputs=inputs, outputs=outputs, name="functional_classifier")  # (batch, 10)


def feature_extractor(model, layer_name="hidden_2"):
    """A second model over the same graph, ending at an inner layer: it shares the weights."""
    return keras.Model(inputs=model.inputs, outputs=model.get_layer(layer_name).output)


def load_data(seed=0, input_dim=32, num_classes=10):
    """A generated 10-class problem with 32 features (no download), split 75/25."""
    features, labels = make_classification(
        n_samples=2000, n_features=input_dim, n_informative=16, n_classes=num_classes,
        n_clusters_per_class=1, class_sep=2.0, random_state=seed)
    return train_test_split(features.astype("float32"), labels, test_size=0.25,
                            random_state=seed, stratify=labels)


def demo(seed=0, epochs=5, verbose=0):
    """Train the Functional classifier; held-out accuracy should reach 0.9."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_functional_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                  loss=keras.losses.SparseCategoricalCrossentropy(),  # integer labels 0..9
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=100, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)
    if verbose:  # the trained hidden layer, reused as 64 learned features per sample
        print("features:", feature_extractor(model).predict(x_test[:2], verbose=0).shape)
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
