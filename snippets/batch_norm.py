"""
Title: Batch normalization
Description: Normalize features with batch statistics in training, moving averages at inference.
Section: Regularization
Aliases: batchnorm, batch-normalization, bn, batchnormalization
Use when: normalize activations between layers, unscaled inputs, fine-tuning with frozen layers,
    pytorch momentum, batch normalization differs in training and inference, different results in
    predict, batch dependent at test time, moving mean and variance, trainable false, behaves
    differently at test time, train and validation loss differ on the same data
See also: dropout, early-stopping, basics
Functions: build_batch_norm_model, batch_norm_forward, moving_statistics
Backends: tensorflow, jax, torch

## Note

In training, BatchNormalization standardizes each feature with the current batch's mean and
variance, (x - mean) / sqrt(var + epsilon), then rescales it with a learned gamma and beta. Each
layer then sees inputs on a steady scale, so training tolerates larger learning rates and
unscaled inputs, and the batch-to-batch noise regularizes a little. The layer also keeps moving
averages, moving = momentum * moving + (1 - momentum) * batch statistic, and inference uses
those instead, so a prediction does not depend on the rest of its batch.

## Pitfalls

- The original tf.keras 2 sheet's `model.add(BatchNormalization())` has no model to add to:
  build on `keras.Input`, with BN between a bias-free Dense and its activation.
- Keras' `momentum=0.99` weights the old average; PyTorch's `momentum=0.1` weights the new
  batch, so Keras 0.99 is PyTorch 0.01. Keras' moving variance uses the biased batch variance
  (divide by n), PyTorch's the unbiased one (n - 1), and the default epsilons differ (1e-3 and
  1e-5).
- Calling the layer or model directly is inference mode; pass `training=True` (fit() does) to
  normalize with the batch and update the averages. With momentum 0.99 the averages need a few
  hundred steps to forget their start (mean 0, variance 1).
- `trainable = False` on a BatchNormalization layer also makes it run in inference mode (so
  since TensorFlow 2.0, in tf.keras and Keras 3 alike), moving statistics and no updates, which
  is what fine-tuning wants.
"""

import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def build_batch_norm_model(input_dim=64, units=128, num_classes=10, momentum=0.99):
    """Dense -> BatchNormalization -> ReLU -> softmax head: BN sits before the non-linearity."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    # No bias: BN subtracts the batch mean, so a bias would be cancelled; BN's beta replaces it.
    hidden = keras.layers.Dense(units, use_bias=False)(inputs)  # (batch, units)
    hidden = keras.layers.BatchNormalization(momentum=momentum)(hidden)  # (batch, units)
    hidden = keras.layers.Activation("relu")(hidden)  # (batch, units)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, classes)
    return keras.Model(inputs, outputs, name="batch_norm_mlp")


def batch_norm_forward(layer, x, training):
    """One BatchNormalization call. training=True: normalize with this batch's mean and variance
    and update the moving averages; training=False: use the moving averages, change nothing."""
    return keras.ops.convert_to_numpy(layer(x, training=training))


def moving_statistics(layer):
    """The layer's moving mean and variance, the statistics inference uses."""
    return layer.moving_mean.numpy(), layer.moving_variance.numpy()


def load_data(seed=0):
    """scikit-learn's bundled 8x8 digits, raw pixels 0..16 (BN rescales them), 75/25 split."""
    images, labels = load_digits(return_X_y=True)
    return train_test_split(images.astype("float32"), labels, test_size=0.25,
                            random_state=seed, stratify=labels)


def demo(seed=0, epochs=6, verbose=0):
    """Train the BN classifier on unscaled digits; held-out accuracy should reach 0.95."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_batch_norm_model(input_dim=x_train.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    # Batches of 32: with momentum 0.99 the moving averages need the ~250 steps this gives.
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    # evaluate() runs in inference mode: each BatchNormalization uses its moving statistics.
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.95,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
