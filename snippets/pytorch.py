"""
Title: PyTorch and its Keras twin
Description: The original sheet's PyTorch CNN and the same network in Keras, weights moved NCHW
    to NHWC.
Section: Frameworks
Aliases: torch, torch-net, nchw, channels-last
Use when: port a pytorch model to keras, convert pytorch weights, channels first, channels last,
    nllloss
See also: functional, sequential
Functions: build_torch_net, build_keras_twin, copy_torch_weights
Backends: tensorflow, jax, torch

## Note

PyTorch lays image batches out NCHW (batch, channels, height, width), Keras NHWC (channels
last), so the twin is the same layers with the axes moved: conv kernels go from (out, in, h, w)
to (h, w, in, out), Dense kernels are transposed, and fc1's 9216 inputs are regrouped because
each side flattens in its own order. 9216 is 64 channels x 12 x 12: two 3x3 convolutions take 4
pixels off each side and pooling halves it, rounding down, so the input must have floor((side -
4) / 2) = 12 on both sides (28 -> 26 -> 24 -> pooled 12). The Net ends in log_softmax, so it
returns log-probabilities, and NLLLoss (the mean of -log p[label]) turns them into
cross-entropy. Keras has no NLLLoss: SparseCategoricalCrossentropy(from_logits=True) gives the
same value, because log_softmax leaves log-probabilities unchanged. torch is imported only
inside build_torch_net, so the card runs without it.

## Pitfalls

- `nn.Linear(9216, 128)` fixes the input size: 12 * 12 * 64 = 9216 needs floor((side - 4) / 2) =
  12, so 28x28, 28x29 and 29x29 inputs run and 27x27 or 30x30 fail at fc1 ('mat1 and mat2 shapes
  cannot be multiplied').
- The head is `log_softmax`: pair it with `nn.NLLLoss`. `nn.CrossEntropyLoss` expects raw scores
  and applies log_softmax itself (harmless but redundant here); NLLLoss on raw scores is the
  real bug, a loss with no lower bound.
- Reshaping weights across frameworks is not enough: conv kernels must be transposed and fc1's
  columns regrouped from channel-first to channel-last order, or the twin silently computes
  something else.
- The twin starts with `keras.Input(shape=(28, 28, 1))`, channels last (Keras's default
  data_format), never `input_shape=`.
"""

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def build_torch_net():
    """The original sheet's PyTorch Net. torch is imported here, so this file loads without it."""
    import torch
    import torch.nn.functional as F  # the short name every PyTorch example uses
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)  # in channels, out channels, kernel, stride
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.fc1 = nn.Linear(9216, 128)  # 9216 = 64 * 12 * 12: fixed by a 1x28x28 input
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):  # x: (batch, 1, 28, 28), NCHW: channels first
            x = F.relu(self.conv1(x))  # (batch, 32, 26, 26)
            x = F.relu(self.conv2(x))  # (batch, 64, 24, 24)
            x = F.max_pool2d(x, 2)  # (batch, 64, 12, 12)
            x = torch.flatten(x, 1)  # (batch, 9216), channel-major order
            x = F.relu(self.fc1(x))  # (batch, 128)
            x = self.fc2(x)  # (batch, 10) scores
            return F.log_softmax(x, dim=1)  # log-probabilities: train with nn.NLLLoss

    return Net()


def build_keras_twin(num_classes=10):
    """The same network in Keras: channels last (NHWC), layers named after the torch ones."""
    inputs = keras.Input(shape=(28, 28, 1))  # (batch, 28, 28, 1), NHWC
    x = keras.layers.Conv2D(32, 3, activation="relu", name="conv1")(inputs)  # (batch, 26, 26, 32)
    x = keras.layers.Conv2D(64, 3, activation="relu", name="conv2")(x)  # (batch, 24, 24, 64)
    x = keras.layers.MaxPooling2D(2)(x)  # (batch, 12, 12, 64)
    x = keras.layers.Flatten()(x)  # (batch, 9216), channel-last order
    x = keras.layers.Dense(128, activation="relu", name="fc1")(x)  # (batch, 128)
    x = keras.layers.Dense(num_classes, name="fc2")(x)  # (batch, 10) scores
    outputs = keras.layers.Activation("log_softmax")(x)  # log-probabilities, as in torch
    return keras.Model(inputs, outputs, name="keras_twin")


def copy_torch_weights(torch_net, twin):
    """Load the torch Net's weights into the twin, converting each layout on the way."""
    weights = {name: tensor.detach().cpu().numpy()
               for name, tensor in torch_net.state_dict().items()}
    for name in ("conv1", "conv2"):  # torch (out, in, height, width) -> keras (h, w, in, out)
        kernel = weights[f"{name}.weight"].transpose(2, 3, 1, 0)
        twin.get_layer(name).set_weights([kernel, weights[f"{name}.bias"]])
    # fc1's 9216 inputs come flattened as (channel, row, col) in torch, (row, col, channel)
    # in Keras: regroup its columns before transposing (out, in) -> (in, out).
    units, flat = weights["fc1.weight"].shape  # (128, 9216)
    channels = weights["conv2.weight"].shape[0]  # 64
    side = round((flat // channels) ** 0.5)  # 12
    fc1 = weights["fc1.weight"].reshape(units, channels, side, side).transpose(2, 3, 1, 0)
    twin.get_layer("fc1").set_weights([fc1.reshape(flat, units), weights["fc1.bias"]])
    twin.get_layer("fc2").set_weights([weights["fc2.weight"].T, weights["fc2.bias"]])
    return twin


def load_data(seed=0):
    """scikit-learn's 8x8 digits, each pixel repeated 3x3 and padded to 28x28x1, in [0, 1]."""
    images, labels = load_digits(return_X_y=True)
    images = np.kron(images.reshape(-1, 8, 8) / 16.0, np.ones((3, 3)))  # (n, 24, 24)
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))[..., None].astype("float32")  # (n, 28, 28, 1)
    return train_test_split(images, labels, test_size=0.25, random_state=seed, stratify=labels)


def demo(seed=0, epochs=1, verbose=0):
    """Train the Keras twin (no torch needed) on digits; held-out accuracy should reach 0.85."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_keras_twin()
    # Keras has no NLLLoss: on log-probabilities, from_logits=True computes exactly -log p[label].
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=epochs,
                        batch_size=32, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.85,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
