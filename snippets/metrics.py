"""
Title: Evaluation metrics
Description: Metric objects that fit each head (sigmoid, softmax, regression), and a custom
    metric.
Section: Quick reference
Aliases: metric, accuracy, precision, recall, f1, auc, r2
Use when: judging a classifier on imbalanced classes, class imbalance, precision and recall, f1
    score, accuracy, regression metrics, custom metric, high accuracy but useless model
See also: losses, basics
Functions: binary_head_metrics, softmax_head_metrics, mean_relative_error,
    regression_head_metrics
Backends: tensorflow, jax, torch

## Note

A metric is what you report, not what you train: accuracy, precision (of the predicted
positives, the share that is right), recall (of the real positives, the share found), F1 (their
harmonic mean) and AUC (how well scores rank positives above negatives, over all thresholds) for
classifiers; MSE, MAE and R^2 (the share of variance explained, 0 for predicting the mean) for
regression. Pass metric objects with explicit arguments that fit the head: a 1-unit sigmoid
takes binary metrics at threshold 0.5 and (batch, 1) labels; a softmax with integer labels takes
the sparse metrics (SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, the
SparseCategoricalCrossentropy metric), with one-hot labels also macro F1 and AUC; a regression
head takes the error metrics. A custom metric uses keras.ops, casts y_true to the prediction's
dtype, returns one value per sample so Keras averages exactly, takes absolute errors (the
original tf.keras 2 sheet's signed mean lets +0.5 and -0.5 cancel to 0) and is registered so a
saved model reloads. Each value equals scikit-learn's (AUC within 1e-2: Keras sums the ROC curve
over 200 thresholds).

## Pitfalls

- The string `"f1_score"` on a 1-unit sigmoid head becomes F1Score(threshold=None), which counts
  every sample as positive and reports the F1 of that guess. Use
  `keras.metrics.F1Score(average="micro", threshold=0.5)` with (batch, 1) labels.
- With integer labels on a softmax head, of the metric strings only `"accuracy"` works:
  `"precision"`, `"recall"`, `"f1_score"` and `"auc"` fail on shapes: a ValueError when every
  batch is full, TensorFlow's InvalidArgumentError ('Incompatible shapes') for precision, recall
  and auc when the last batch is smaller. Use the sparse metric objects
  (SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy), or one-hot the labels for the
  others.
- The original's custom metric is TensorFlow code: on TensorFlow it fails on integer labels
  (dtype TypeError), under JAX it cannot run at all; it also lets errors cancel (a signed mean)
  and cannot be reloaded unregistered: cast `y_true`, take absolute values, decorate with
  `@keras.saving.register_keras_serializable`.
"""

import keras
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from sklearn.model_selection import train_test_split

# Pass metric objects with explicit arguments, not strings: "f1_score" on a sigmoid head means
# F1Score(threshold=None), which calls every sample positive, and with integer labels on a
# softmax head "precision", "recall", "f1_score" and "auc" all raise shape errors.


def binary_head_metrics():
    """For Dense(1, "sigmoid") with 0/1 labels shaped (batch, 1): positive means p > 0.5."""
    return [
        keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.5),
        keras.metrics.Precision(name="precision", thresholds=0.5),  # of predicted positives
        keras.metrics.Recall(name="recall", thresholds=0.5),  # of true positives, share found
        keras.metrics.F1Score(average="micro", threshold=0.5, name="f1"),  # needs (batch, 1)
        keras.metrics.AUC(name="auc"),  # ROC area over 200 thresholds: no threshold to pick
    ]


def softmax_head_metrics(sparse_labels=False):
    """For Dense(k, "softmax"): integer labels take only the Sparse accuracy; one-hot labels
    (keras.utils.to_categorical) also take macro F1 and one-vs-rest AUC."""
    if sparse_labels:
        return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    return [
        keras.metrics.CategoricalAccuracy(name="accuracy"),  # argmax equals the true class
        keras.metrics.F1Score(average="macro", name="macro_f1"),  # threshold=None: argmax
        keras.metrics.AUC(name="auc"),  # every (sample, class) cell as one binary decision
    ]


@keras.saving.register_keras_serializable(package="cheatsheet")
def mean_relative_error(y_true, y_pred):
    """mean(|y - p| / |y|): the error as a fraction of the target (scikit-learn's MAPE).
    Absolute values, so an overshoot and an undershoot add up instead of cancelling."""
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)  # integer targets would raise a dtype error
    relative = keras.ops.abs(y_true - y_pred) / keras.ops.maximum(keras.ops.abs(y_true), 1e-7)
    return keras.ops.mean(relative, axis=-1)  # one value per sample: Keras averages them all


def regression_head_metrics():
    """For a linear Dense(1): errors in the target's units, R^2 (1 perfect, 0 = predicting the
    mean), and the custom relative error."""
    return [
        keras.metrics.MeanSquaredError(name="mse"),
        keras.metrics.MeanAbsoluteError(name="mae"),
        keras.metrics.R2Score(name="r2"),
        mean_relative_error,  # registered above, so a saved model reloads without custom_objects
    ]


def load_data(seed=0):
    """scikit-learn's bundled breast-cancer set, standardized; labels as a (batch, 1) column."""
    features, labels = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features.astype("float32"), labels.astype("float32").reshape(-1, 1), test_size=0.25,
        random_state=seed, stratify=labels)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std, y_train, y_test


def demo(seed=0, epochs=3, verbose=0):
    """Train a sigmoid classifier on breast cancer; Keras's held-out accuracy, precision, recall
    and F1 should equal scikit-learn's on the same predictions (gap below 1e-5)."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    inputs = keras.Input(shape=(x_train.shape[1],))  # (batch, 30)
    hidden = keras.layers.Dense(16, activation="relu")(inputs)  # (batch, 16)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)  # (batch, 1)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.BinaryCrossentropy(), metrics=binary_head_metrics())
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    reported = model.evaluate(x_test, y_test, verbose=verbose, return_dict=True)  # Keras's
    predicted = (model.predict(x_test, verbose=verbose) > 0.5).astype(int)  # (143, 1) classes
    references = {"accuracy": accuracy_score, "precision": precision_score,
                  "recall": recall_score, "f1": f1_score}
    gaps = {name: abs(reported[name] - reference(y_test, predicted))
            for name, reference in references.items()}
    if verbose:
        print({name: round(value, 4) for name, value in reported.items()})
    return {
        "metric": "max |keras - sklearn| (acc, P, R, F1)",
        "value": float(max(gaps.values())),
        "target": 1e-5,
        "higher_is_better": False,
        "accuracy": reported["accuracy"],  # held out: the predictions are worth scoring
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
