"""
Title: Residual network (ResNet) blocks
Description: Skip connections with Add, 1x1 projections and global average pooling on 8x8 digits.
Section: Architectures
Aliases: resnet, skip-connection, skip-connections, residual-block, shortcut
Use when: skip connections, very deep network does not train, vanishing gradients in a deep
    cnn, 1x1 convolution, global average pooling, conv output size, output shape of a
    convolution, stride and padding
See also: cnn, diagnostics, transformer
Functions: conv_output_size, residual_block, build_residual_cnn, build_deep_stack,
    first_layer_gradient_norm
Backends: tensorflow, jax, torch

## Note

A residual block computes y = x + f(x): its layers learn only a change to their input, and the
skip connection (`Add`) hands the gradient straight back to earlier layers. In a plain stack the
gradient is multiplied by every layer's weights on the way down: in 30 plain 3x3 convolutions
(default Glorot init, ReLU) the first layer's gradient comes out orders of magnitude smaller than
in the same 30 layers paired into 15 residual blocks, so the early layers of the plain stack
hardly move. `Add` needs equal shapes: when a block changes the channel count or the stride, a
1x1 convolution (a Dense layer applied at every pixel: 16 x 32 + 32 = 544 weights here)
projects the shortcut to match. A convolution's output side is floor((n + 2p - k) / s) + 1 for
input side n, kernel k, stride s and padding p; `padding="same"` makes it ceil(n / s).
`GlobalAveragePooling2D` averages each channel over the image, so the head has one weight per
channel and class (330 here) where Flatten would need one per pixel too (5,130). The demo trains
a two-block ResNet on scikit-learn's digits for twelve epochs with Adam.

## Pitfalls

- Adding a 16-channel shortcut to a 32-channel (or strided) branch fails with a ValueError;
  project the shortcut with `Conv2D(filters, 1, strides=stride)` when the shapes differ.
- `padding="same"` does not always equal the formula with one symmetric p: n = 7, k = 4, s = 1
  needs 3 padding rows (the odd one goes at the bottom), and no whole p gives 7. Use
  ceil(n / s) for "same", the formula with p = 0 for "valid", `ZeroPadding2D(p)` for a chosen p.
- Keras 3 has no backend-neutral reverse-mode gradient (`keras.ops.jvp` is forward mode only;
  `tf.GradientTape`, `jax.grad` and torch's `backward` differ); one plain SGD step moves each
  weight by exactly -learning_rate x gradient, so `first_layer_gradient_norm` reads gradients
  through `train_on_batch` on every backend.
"""

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def conv_output_size(n, kernel, stride=1, padding=0):
    """Output side of a convolution or pooling: floor((n + 2p - k) / s) + 1."""
    return (n + 2 * padding - kernel) // stride + 1


def residual_block(x, filters, stride=1):
    """y = relu(x + f(x)), f = conv3x3 -> relu -> conv3x3; a 1x1 conv projects x when needed."""
    shortcut = x  # (batch, h, w, c_in)
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same",
                            activation="relu")(x)  # (batch, h / stride, w / stride, filters)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)  # same shape, no activation before Add
    if stride != 1 or x.shape[-1] != filters:
        # 1x1 convolution: mixes channels at each pixel, so the shortcut gets the branch's shape.
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.Activation("relu")(keras.layers.Add()([shortcut, y]))


def build_residual_cnn(input_shape=(8, 8, 1), num_classes=10, learning_rate=0.003):
    """Conv stem -> residual block (16) -> residual block (32, stride 2) -> GAP -> softmax."""
    inputs = keras.Input(shape=input_shape)  # (batch, 8, 8, 1)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)  # (batch, 8, 8, 16)
    x = residual_block(x, 16)  # (batch, 8, 8, 16): identity shortcut
    x = residual_block(x, 32, stride=2)  # (batch, 4, 4, 32): 1x1 projection on the shortcut
    x = keras.layers.GlobalAveragePooling2D()(x)  # (batch, 32): each channel's mean
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)  # (batch, 10)
    model = keras.Model(inputs, outputs, name="residual_cnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def build_deep_stack(layers=30, residual=True, filters=8, input_shape=(8, 8, 8)):
    """`layers` 3x3 convolutions, plain or paired into residual blocks, -> GAP -> Dense(1).

    Compiled with plain SGD (no momentum): one step then moves w by -learning_rate * gradient.
    """
    inputs = keras.Input(shape=input_shape)  # (batch, 8, 8, 8)
    x = inputs
    for _ in range(layers // 2):
        y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)  # (b, 8, 8, 8)
        y = keras.layers.Conv2D(filters, 3, padding="same")(y)  # (batch, 8, 8, 8)
        x = keras.layers.Activation("relu")(keras.layers.Add()([x, y]) if residual else y)
    x = keras.layers.GlobalAveragePooling2D()(x)  # (batch, 8)
    outputs = keras.layers.Dense(1)(x)  # (batch, 1)
    model = keras.Model(inputs, outputs, name="residual_stack" if residual else "plain_stack")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0),
                  loss=keras.losses.MeanSquaredError())
    return model


def first_layer_gradient_norm(model, x, y):
    """||d loss / d first conv kernel||, read from one SGD step: w_new = w - lr * gradient."""
    first = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    before = keras.ops.convert_to_numpy(first.kernel).astype("float64")
    model.train_on_batch(x, y)
    after = keras.ops.convert_to_numpy(first.kernel).astype("float64")
    learning_rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    return float(np.linalg.norm(before - after) / learning_rate)


def load_digit_images(seed=0, test_size=0.25):
    """scikit-learn's bundled 8x8 digits as (n, 8, 8, 1) images in [0, 1], split train/test."""
    pixels, labels = load_digits(return_X_y=True)  # pixels: (1797, 64), values 0..16
    images = (pixels / 16.0).astype("float32").reshape(-1, 8, 8, 1)
    return train_test_split(images, labels, test_size=test_size, random_state=seed,
                            stratify=labels)


def demo(seed=0, epochs=12, batch_size=32, verbose=0):
    """Train the residual CNN on digits; held-out accuracy should reach 0.9."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_digit_images(seed)
    model = build_residual_cnn()  # Adam at 0.003
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)  # the 450 test images, once
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
