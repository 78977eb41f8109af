"""
Title: Convolutional neural network (CNN)
Description: Two Conv2D + MaxPooling2D blocks and a Dense head that classify 8x8 digit images.
Section: Architectures
Aliases: conv, convnet, conv2d, convolution, convolutional
Use when: image classification, classify images, convolution, pooling, padding, small images,
    digits without a download
See also: basics, activations
Functions: build_cnn, load_digit_images
Backends: tensorflow, jax, torch

## Note

A convolution slides small learned filters (3x3 here) over the image, so the same edge or stroke
detector works wherever the pattern sits, with 9 weights per input channel where a Dense unit
needs one per pixel. Max-pooling halves each side, keeping the strongest response; the second
convolution then combines strokes into larger shapes. Flatten turns the feature maps into one
vector for a Dense classifier. At 28x28x1 the original tf.keras 2 sheet's stack has 121,930
parameters, 102,464 of them in the first Dense layer. The demo pads ('same') so the stack fits
scikit-learn's 8x8 digits and trains it with Adam on integer labels (sparse categorical
cross-entropy).

## Pitfalls

- The original puts `input_shape=(28, 28, 1)` on the first Conv2D; Keras 3 still accepts it with
  a UserWarning, and wants the model to start with `keras.Input(shape=(28, 28, 1))`.
- On small images the original's unpadded stack runs out of pixels (8 -> 6 -> 3 -> 1 -> 0) and
  fails with a ValueError; `padding="same"` keeps each convolution's size.
- Sparse categorical cross-entropy takes integer labels (3); one-hot labels need
  `CategoricalCrossentropy` instead. The card uses class objects, not strings.
- `keras.datasets.mnist` downloads at run time and fails offline; the bundled
  `sklearn.datasets.load_digits` needs no network.
"""

import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def build_cnn(input_shape=(28, 28, 1), num_classes=10, padding="valid", learning_rate=0.001):
    """Conv(32) -> pool -> Conv(64) -> pool -> Dense(64) -> softmax, compiled for integer labels.

    Shapes are for the default 28x28x1 input; 8x8 digits need padding="same", because two valid
    3x3 convolutions and two poolings would shrink 8x8 to nothing (8 -> 6 -> 3 -> 1 -> 0).
    """
    model = keras.Sequential([
        keras.Input(shape=input_shape),  # (batch, 28, 28, 1): declare the input first
        keras.layers.Conv2D(32, (3, 3), activation="relu", padding=padding),  # (batch, 26, 26, 32)
        keras.layers.MaxPooling2D((2, 2)),  # (batch, 13, 13, 32): keep the strongest response
        keras.layers.Conv2D(64, (3, 3), activation="relu", padding=padding),  # (batch, 11, 11, 64)
        keras.layers.MaxPooling2D((2, 2)),  # (batch, 5, 5, 64)
        keras.layers.Flatten(),  # (batch, 1600): the feature maps as one vector per image
        keras.layers.Dense(64, activation="relu"),  # (batch, 64)
        keras.layers.Dense(num_classes, activation="softmax"),  # (batch, 10), P(each class)
    ], name="cnn")
    # Integer labels (3, not one-hot [0,0,0,1,...]) pair with the *sparse* cross-entropy.
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def load_digit_images(seed=0, test_size=0.25):
    """scikit-learn's bundled 8x8 digits as (n, 8, 8, 1) images in [0, 1], split train/test."""
    pixels, labels = load_digits(return_X_y=True)  # pixels: (1797, 64), values 0..16
    images = (pixels / 16.0).astype("float32").reshape(-1, 8, 8, 1)  # channels last
    return train_test_split(images, labels, test_size=test_size, random_state=seed,
                            stratify=labels)


def demo(seed=0, epochs=15, batch_size=32, verbose=0):
    """Train the CNN on 8x8 digits; held-out accuracy should reach 0.97."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_digit_images(seed)
    model = build_cnn(input_shape=x_train.shape[1:], num_classes=10, padding="same",
                      learning_rate=0.002)
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)  # the 450 test images, once
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.97,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
