"""
Title: Autoencoders: dense and variational (VAE)
Description: Squeeze digits through a small code and rebuild them; the VAE samples its code.
Section: Architectures
Aliases: vae, variational-autoencoder, autoencoders, encoder-decoder, reparameterization
Use when: dimensionality reduction, compress images, reconstruct input, latent space,
    reparameterization trick, kl divergence, generate new samples, denoise, anomaly detection
See also: gan, cnn, losses
Functions: build_autoencoder, kl_divergence, Sampling, build_vae, load_digit_pixels
Backends: tensorflow, jax, torch

## Note

An autoencoder is trained to output its own input through a narrow middle layer, the code: the
encoder has to keep what matters about each image in a few numbers and the decoder to rebuild the
image from them. Labels are not needed (the input is the target). With only linear layers and
squared error it can at best find PCA's subspace; the ReLU layers let it bend the code, so the
demo's 8-number code rebuilds held-out 8x8 digits with a lower mean squared error than
scikit-learn's PCA with 8 components (the figure is the ratio, target <= 1; after 10 epochs
0.73-0.79 on seeds 0-4 on TensorFlow, JAX and PyTorch, 0.74-0.76 at seed 0). A variational
autoencoder makes the code a distribution: the encoder outputs a mean and a log-variance for each
code number, and the decoder reads a sample z = mean + exp(log_var / 2) * epsilon, epsilon ~ N(0,
1). Drawing epsilon outside the network is the reparameterisation trick: z stays a differentiable
function of mean and log_var, so gradients reach the encoder. A KL term, 0.5 * sum(mean**2 +
exp(log_var) - 1 - log_var) per image, the closed form of KL(N(mean, var) || N(0, 1)), pulls every
code towards the standard normal, the distribution from which codes for new images are later drawn.
Keras losses average over the 64 pixels, so the card divides the KL by 64 as well: the total loss is
then the negative ELBO per pixel. At inference the VAE decodes the mean.

## Pitfalls

- tf.keras 2 VAE code adds the KL with `vae.add_loss(kl)` on the Functional model's symbolic
  tensors; Keras 3 raises NotImplementedError. Call `self.add_loss(...)` inside a layer's
  `call()` (the card's Sampling layer), which fit() and evaluate() add to the loss on every
  backend.
- A random op with an integer seed inside `call()` draws the same numbers every step, so
  epsilon stops being random; without a seed the JAX backend refuses to trace it. Give the layer
  a `keras.random.SeedGenerator` and pass it as `seed=`.
- A sigmoid output lies in [0, 1]: scale the pixels (0..16 in scikit-learn's digits) to the
  same range, or the decoder cannot reach them.
- The encoder predicts the log-variance, not the standard deviation: exp() keeps the variance
  positive whatever the Dense layer outputs.
"""

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split


def build_autoencoder(input_dim=64, code_size=8, hidden_units=64, activation="relu"):
    """Input -> Dense -> code -> Dense -> sigmoid reconstruction; returns (autoencoder, encoder).

    The code layer is linear (any real number); activation=None makes the whole network linear,
    which can do no better than PCA."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 64): one flattened 8x8 image
    hidden = keras.layers.Dense(hidden_units, activation=activation)(inputs)  # (batch, 64)
    code = keras.layers.Dense(code_size, name="code")(hidden)  # (batch, 8): the bottleneck
    hidden = keras.layers.Dense(hidden_units, activation=activation)(code)  # (batch, 64)
    # sigmoid: pixels in [0, 1]; a linear network keeps a linear output.
    output_activation = "sigmoid" if activation else None
    outputs = keras.layers.Dense(input_dim, activation=output_activation)(hidden)  # (batch, 64)
    autoencoder = keras.Model(inputs, outputs, name="autoencoder")
    encoder = keras.Model(inputs, code, name="encoder")  # shares the layers: image -> code
    return autoencoder, encoder


def kl_divergence(z_mean, z_log_var):
    """KL(N(mean, exp(log_var)) || N(0, 1)) summed over the code, one value per image."""
    z_mean, z_log_var = keras.ops.convert_to_tensor(z_mean), keras.ops.convert_to_tensor(z_log_var)
    return 0.5 * keras.ops.sum(
        keras.ops.square(z_mean) + keras.ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


@keras.saving.register_keras_serializable(package="cheatsheet")
class Sampling(keras.layers.Layer):
    """(mean, log_var) -> z = mean + exp(log_var / 2) * epsilon, and adds the KL term to the loss.

    In training z is a fresh sample each step (epsilon from the layer's SeedGenerator); at
    inference z is the mean, so predictions are repeatable. kl_weight scales the KL term."""

    def __init__(self, kl_weight=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.kl_weight = kl_weight
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)  # new noise on every call

    def call(self, inputs, training=False):
        z_mean, z_log_var = inputs  # (batch, code_size) each
        # add_loss inside call(): Keras 3 adds it to the compiled loss in fit() and evaluate().
        self.add_loss(self.kl_weight * keras.ops.mean(kl_divergence(z_mean, z_log_var)))
        if not training:
            return z_mean
        epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon  # (batch, code_size)

    def get_config(self):
        return {**super().get_config(), "kl_weight": self.kl_weight, "seed": self.seed}


def build_vae(input_dim=64, code_size=8, hidden_units=64, seed=None):
    """A VAE compiled with binary cross-entropy; returns (vae, encoder, decoder).

    The encoder maps an image to (mean, log_var), the decoder a code to pixels. Keras's
    BinaryCrossentropy averages over the input_dim pixels, so the KL is divided by input_dim:
    the loss is the negative ELBO per pixel."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 64)
    hidden = keras.layers.Dense(hidden_units, activation="relu")(inputs)  # (batch, 64)
    z_mean = keras.layers.Dense(code_size, name="z_mean")(hidden)  # (batch, 8)
    z_log_var = keras.layers.Dense(code_size, name="z_log_var")(hidden)  # (batch, 8), any sign
    encoder = keras.Model(inputs, [z_mean, z_log_var], name="vae_encoder")

    codes = keras.Input(shape=(code_size,))  # (batch, 8)
    hidden = keras.layers.Dense(hidden_units, activation="relu")(codes)  # (batch, 64)
    pixels = keras.layers.Dense(input_dim, activation="sigmoid")(hidden)  # (batch, 64) in [0, 1]
    decoder = keras.Model(codes, pixels, name="vae_decoder")

    z = Sampling(kl_weight=1.0 / input_dim, seed=seed, name="sampling")(encoder(inputs))
    vae = keras.Model(inputs, decoder(z), name="vae")  # (batch, 64)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                loss=keras.losses.BinaryCrossentropy())
    return vae, encoder, decoder


def load_digit_pixels(seed=0, test_size=0.25):
    """scikit-learn's bundled 8x8 digits as (n, 64) rows in [0, 1]: (train, test), no labels."""
    pixels = load_digits().data  # (1797, 64), values 0..16
    return train_test_split((pixels / 16.0).astype("float32"), test_size=test_size,
                            random_state=seed)


def demo(seed=0, code_size=8, epochs=10, vae_epochs=4, verbose=0):
    """Held-out reconstruction error of the autoencoder over PCA's with as many components
    (target <= 1), then a short VAE run whose KL and reconstruction error are reported too."""
    keras.utils.set_random_seed(seed)
    x_train, x_test = load_digit_pixels(seed)
    autoencoder, _ = build_autoencoder(input_dim=x_train.shape[1], code_size=code_size)
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                        loss=keras.losses.MeanSquaredError())
    # The input is the target, in training and in validation.
    history = autoencoder.fit(x_train, x_train, validation_data=(x_test, x_test), epochs=epochs,
                              batch_size=64, verbose=verbose)
    autoencoder_mse = autoencoder.evaluate(x_test, x_test, verbose=verbose)  # held-out MSE
    pca = PCA(n_components=code_size).fit(x_train)  # the linear baseline, same code size
    pca_mse = float(np.mean((pca.inverse_transform(pca.transform(x_test)) - x_test) ** 2))

    vae, encoder, decoder = build_vae(input_dim=x_train.shape[1], code_size=code_size, seed=seed)
    vae.fit(x_train, x_train, epochs=vae_epochs, batch_size=64, verbose=verbose)
    z_mean, z_log_var = encoder.predict(x_test, verbose=verbose)  # (450, 8) each
    vae_mse = float(np.mean((decoder.predict(z_mean, verbose=verbose) - x_test) ** 2))
    return {
        "metric": "held-out MSE, autoencoder / PCA with the same code size",
        "value": autoencoder_mse / pca_mse,
        "target": 1.0,
        "higher_is_better": False,
        "params": autoencoder.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
        "autoencoder_mse": autoencoder_mse,
        "pca_mse": pca_mse,
        "vae_mse": vae_mse,
        "vae_kl": float(np.mean(keras.ops.convert_to_numpy(kl_divergence(z_mean, z_log_var)))),
    }


if __name__ == "__main__":
    result = demo()
    print(f"held-out MSE: autoencoder {result['autoencoder_mse']:.4f}, "
          f"PCA {result['pca_mse']:.4f}; VAE {result['vae_mse']:.4f} "
          f"with KL {result['vae_kl']:.2f} nats per image")
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
