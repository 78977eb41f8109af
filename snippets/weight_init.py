"""
Title: Weight initialisation (Glorot, He)
Description: Start weights at a variance that keeps activations at one scale through depth.
Section: Fundamentals
Aliases: initialization, initialisation, initializer, kernel-initializer, glorot, xavier, he,
    kaiming, he-normal
Use when: weight initialization, which initializer, kernel_initializer, glorot or he, xavier
    initialization, kaiming initialization, activations vanish in a deep network, deep network does
    not train, exploding activations, glorot initialization, he initialization
See also: basics, activations, diagnostics
Functions: make_initializer, build_deep_relu_stack, activation_std_per_layer
Backends: tensorflow, jax, torch

## Note

Each Dense unit sums fan_in inputs times weights, so the variance of its output is fan_in * Var(w)
* E[input**2]. Pick Var(w) so that this factor is one and the activations keep their scale however
deep the stack; otherwise they shrink or grow geometrically, layer after layer. Glorot (Xavier)
sets Var(w) = 2 / (fan_in + fan_out), a compromise between the forward and backward pass for
symmetric activations such as tanh. ReLU zeroes half of its inputs and halves E[output**2], so He
(Kaiming) doubles the variance to Var(w) = 2 / fan_in. The demo pushes a batch of standard-normal
inputs through 20 Dense(256, relu) layers: with he_normal the activations' standard deviation at
layer 20 stays within a factor of 3 of layer 1's; with Glorot it shrinks by about 2**0.5 a layer
(about 700-fold by layer 20) and with RandomNormal(stddev=0.01) by about 9 a layer, to about 1e-19
at layer 20. Its square, about 1e-38, is below float32's smallest normal number (1.2e-38):
TensorFlow and JAX flush such numbers to zero on the CPU and report a standard deviation of 0
there, while PyTorch keeps them and reports the 1e-19.

## Pitfalls

- Dense's default kernel_initializer is glorot_uniform, made for tanh and sigmoid: a deep ReLU
  stack needs `kernel_initializer="he_normal"` (or "he_uniform") on each layer.
- One initializer instance passed to several layers gives every layer of the same shape the same
  starting weights (an unseeded Keras 3 initializer repeats its values on every call): pass the
  name ("he_normal") or a new instance per layer.
- `HeNormal` draws from a normal truncated at two standard deviations and widened to keep the
  variance at 2 / fan_in; `RandomNormal(stddev=...)` takes a fixed spread that ignores fan_in,
  so a value that suits 256 inputs is wrong for 2048.
"""

import keras
import numpy as np


def make_initializer(name):
    """An initializer by name, a new instance on every call (one instance per layer)."""
    if name == "small_normal":
        return keras.initializers.RandomNormal(stddev=0.01)  # ignores fan_in: vanishes in depth
    return {
        "glorot_uniform": keras.initializers.GlorotUniform,  # Var = 2 / (fan_in + fan_out)
        "glorot_normal": keras.initializers.GlorotNormal,
        "he_normal": keras.initializers.HeNormal,  # Var = 2 / fan_in: makes up for ReLU's half
        "he_uniform": keras.initializers.HeUniform,
    }[name]()


def build_deep_relu_stack(initializer="he_normal", depth=20, width=256):
    """`depth` Dense(width, relu) layers, each with its own new initializer of that name."""
    model = keras.Sequential([keras.Input(shape=(width,))], name=f"relu_stack_{initializer}")
    for _ in range(depth):
        model.add(keras.layers.Dense(width, activation="relu",
                                     kernel_initializer=make_initializer(initializer)))
        # (batch, width) after every layer: only the scale of the activations changes
    return model


def activation_std_per_layer(model, x):
    """The standard deviation of each layer's output, feeding x forward layer by layer."""
    stds, hidden = [], keras.ops.convert_to_tensor(x)
    for layer in model.layers:
        hidden = layer(hidden)
        stds.append(float(keras.ops.convert_to_numpy(keras.ops.std(hidden))))
    return stds


def demo(seed=0, initializer="he_normal", depth=20, width=256, batch_size=512, verbose=0):
    """Activation spread through 20 ReLU layers: He keeps it within 3x of the first layer's."""
    keras.utils.set_random_seed(seed)
    x = np.random.default_rng(seed).normal(size=(batch_size, width)).astype("float32")
    model = build_deep_relu_stack(initializer, depth, width)
    stds = activation_std_per_layer(model, x)
    if verbose:
        print(f"{initializer}: std at layer 1 {stds[0]:.3g}, at layer {depth} {stds[-1]:.3g}")
    # log10 of the change from the first layer to the last: 0 is a preserved scale, 0.5 is 3.2x.
    drift = abs(np.log10(stds[-1] / stds[0])) if stds[-1] > 0 else float("inf")
    return {
        "metric": f"|log10(activation std at layer {depth} / at layer 1)|",
        "value": float(drift),
        "target": 0.5,
        "higher_is_better": False,
        "params": model.count_params(),
        "stds": stds,
    }


if __name__ == "__main__":
    for name in ("he_normal", "glorot_uniform", "small_normal"):
        result = demo(initializer=name, verbose=1)
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
